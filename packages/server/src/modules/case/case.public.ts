import { randomInt } from 'node:crypto';
import {
  CITIZEN_CLOSED_STATES,
  CITIZEN_LIMITS,
  FOLLOWER_CASE_STEPS,
  PUBLIC_CASE_STATES,
  PUBLIC_CASE_STEPS,
  PUBLIC_STEP_ACTIONS,
  type CaseRating,
  type CaseState,
  type PublicCaseStatus,
  type PublicCaseStep,
  type PublicFollowReceipt,
  type PublicNearbyCase,
  type PublicNearbyQuery,
  type PublicPhoto,
  type PublicRound,
  type PublicStep,
} from '@wangge/shared';
import type { Kysely } from 'kysely';
import type { Actor } from '../../core/audit/audit.service.ts';
import type { DB } from '../../core/db/types.ts';
import type { Attachments } from '../../core/files/attachments.ts';
import { AppError } from '../../core/http/errors.ts';
import type { PersonalData } from '../../core/pii/personal.ts';
import type { Workflow } from '../../core/workflow/workflow.ts';
import { toWgs84 } from '../grid/locator.service.ts';
import type { CaseConfigService } from './case-config.service.ts';
import {
  accessHash,
  CITIZEN,
  followHash,
  reopenUntil,
  roundRating,
  staffNames,
  type FollowInput,
  type RateInput,
  type ReopenInput,
} from './case.citizen.ts';
import { haversineM } from './case.format.ts';
import { CASE, type CaseContext } from './case.machine.ts';
import { excerpt, publicText } from './case.public-text.ts';
import type { CaseRecord } from './case.workflow.ts';

/** Natures never shown to other citizens (police matters). */
const HIDDEN_NATURES = ['police'];
/** The access code alphabet (as the intake's): no 0/O, 1/I/L. */
const CODE_ALPHABET = '23456789ABCDEFGHJKMNPQRSTUVWXYZ';
/** Steps whose text the public may read (made safe): what the unit did. */
const DONE_STEPS = new Set(['feedback', 'on_spot']);

type Viewer = PublicCaseStatus['viewer'];

export interface CasePublicDeps {
  db: Kysely<DB>;
  personal: PersonalData;
  config: CaseConfigService;
  workflow: Workflow<CaseState, CaseRecord, CaseContext>;
  attachments: Attachments;
}

/**
 * The citizens' side of cases: their own report by number and access code (what was done, by
 * which unit, round by round, the photos), rating and reopening it, open reports near a point
 * and following one of them. Nothing personal of anybody else is ever returned.
 */
export class CasePublic {
  constructor(private readonly deps: CasePublicDeps) {}

  /** The case behind a number and a code: the reporter's code or a follower's. */
  private async verify(number: string, code: string): Promise<{ id: number; viewer: Viewer }> {
    const { db, personal } = this.deps;
    const row = await db
      .selectFrom('cases')
      .select(['id', 'access_hash'])
      .where('number', '=', number)
      .executeTakeFirst();
    if (row?.access_hash && row.access_hash === accessHash(personal, code))
      return { id: row.id, viewer: 'reporter' };
    if (row) {
      const follower = await db
        .selectFrom('case_follow')
        .select('id')
        .where('case_id', '=', row.id)
        .where('code_hash', '=', followHash(personal, code))
        .executeTakeFirst();
      if (follower) return { id: row.id, viewer: 'follower' };
    }
    // Same answer for an unknown number and a wrong code: numbers cannot be probed.
    throw new AppError('NOT_FOUND', '事件编号或查询码不正确');
  }

  /** What a citizen sees of a report, given its number and access code. */
  async publicStatus(number: string, code: string): Promise<PublicCaseStatus> {
    const { db, personal } = this.deps;
    const { id, viewer } = await this.verify(number, code);
    const c = await db
      .selectFrom('cases as c')
      .innerJoin('case_category as cc', 'cc.id', 'c.category_id')
      .leftJoin('department as d', 'd.id', 'c.department_id')
      .selectAll('c')
      .select(['cc.name as category', 'cc.name_en as category_en', 'd.name as unit'])
      .where('c.id', '=', id)
      .executeTakeFirstOrThrow();
    const [entries, photos, rating, followers, settings, names] = await Promise.all([
      db
        .selectFrom('timeline_entry as e')
        .leftJoin('department as d', 'd.id', 'e.unit_id')
        .select(['e.id', 'e.at', 'e.action', 'e.note', 'e.data', 'd.name as unit'])
        .where('e.subject_kind', '=', CASE)
        .where('e.subject_id', '=', id)
        .where('e.action', 'in', [...PUBLIC_STEP_ACTIONS])
        .orderBy('e.id')
        .execute(),
      db
        .selectFrom('attachment')
        .select(['id', 'kind', 'entry_id'])
        .where('subject_kind', '=', CASE)
        .where('subject_id', '=', id)
        .orderBy('id')
        .execute(),
      roundRating(db, id, c.round),
      this.followers(id),
      this.deps.config.settings(),
      staffNames(db, c, personal),
    ]);
    const photoUrl = (p: { id: number }): PublicPhoto => ({
      id: p.id,
      url: `/api/public/cases/${c.number}/photos/${p.id}?code=${encodeURIComponent(code)}`,
    });
    const photosOf = new Map<number, PublicPhoto[]>();
    for (const p of photos)
      if (p.entry_id !== null && p.kind && DONE_STEPS.has(p.kind))
        photosOf.set(p.entry_id, [...(photosOf.get(p.entry_id) ?? []), photoUrl(p)]);

    const rounds: PublicRound[] = [{ round: 1, steps: [] }];
    for (const e of entries) {
      const data = (e.data ?? {}) as { satisfied?: boolean; rating?: CaseRating };
      const step: PublicCaseStep =
        e.action === 'visit'
          ? data.satisfied === false
            ? 'visit_unsatisfied'
            : 'visit_satisfied'
          : (e.action as PublicCaseStep);
      const dispatched = e.action === 'dispatch' || e.action === 'auto_dispatch';
      const unit = dispatched ? (e.unit ?? null) : null;
      const own = (e.action === 'rate' || e.action === 'reopen') && viewer === 'reporter';
      const text = !e.note
        ? null
        : DONE_STEPS.has(e.action)
          ? publicText(e.note, names)
          : own
            ? e.note
            : null;
      rounds.at(-1)!.steps.push({
        at: e.at.toISOString(),
        step,
        stepName: (
          (viewer === 'follower' ? FOLLOWER_CASE_STEPS[step] : undefined) ?? PUBLIC_CASE_STEPS[step]
        ).zh.replace('{unit}', unit ?? '承办单位'),
        unit,
        text,
        photos: photosOf.get(e.id) ?? [],
        rating: e.action === 'rate' || e.action === 'reopen' ? (data.rating ?? null) : null,
      } satisfies PublicStep);
      // An unsatisfied return visit or the citizen's reopening ends a round; the next one follows.
      if (step === 'visit_unsatisfied' || e.action === 'reopen')
        rounds.push({ round: rounds.length + 1, steps: [] });
    }

    const state = c.state as CaseState;
    const reporter = viewer === 'reporter';
    const closedForCitizen = (CITIZEN_CLOSED_STATES as readonly string[]).includes(state);
    const until = closedForCitizen ? reopenUntil(c, settings.reopenDays) : null;
    return {
      number: c.number,
      viewer,
      category: c.category,
      categoryEn: c.category_en || c.category,
      description: reporter
        ? c.description
        : excerpt(publicText(c.description, names), CITIZEN_LIMITS.nearbySnippet),
      address: reporter ? c.address : null,
      state,
      stateName: PUBLIC_CASE_STATES[state].zh,
      closed: c.closed_at !== null,
      reportedAt: c.reported_at.toISOString(),
      updatedAt: c.updated_at.toISOString(),
      unit: c.unit,
      photos: reporter ? photos.filter((p) => p.kind === 'report').map(photoUrl) : [],
      rounds,
      followers,
      rating:
        reporter && rating
          ? {
              rating: rating.rating,
              comment: rating.comment,
              at: rating.rated_at.toISOString(),
              reopened: rating.reopened,
            }
          : null,
      canRate: reporter && closedForCitizen && !rating,
      canReopen: reporter && until !== null && Date.now() <= until.getTime(),
      reopenUntil: reporter && until ? until.toISOString() : null,
      timeline: rounds.flatMap((r) =>
        r.steps.map((s) => ({ at: s.at, action: s.step, actionName: s.stepName, note: s.text })),
      ),
    };
  }

  /** One photo of the case the code shows: the report's own (reporter only) or what the unit did. */
  async photo(number: string, code: string, photoId: number): Promise<{ file: string; type: string }> {
    const { id, viewer } = await this.verify(number, code);
    const row = await this.deps.db
      .selectFrom('attachment')
      .select(['kind'])
      .where('id', '=', photoId)
      .where('subject_kind', '=', CASE)
      .where('subject_id', '=', id)
      .executeTakeFirst();
    const shown = row?.kind && (DONE_STEPS.has(row.kind) || (row.kind === 'report' && viewer === 'reporter'));
    if (!shown) throw new AppError('NOT_FOUND', '照片不存在');
    return this.deps.attachments.file(CASE, id, photoId);
  }

  /** The citizen rates the closed case (满意 / 基本满意 / 不满意): one rating per handling round. */
  async rate(
    actor: Actor,
    number: string,
    body: { code: string; rating: CaseRating; comment?: string | null },
  ) {
    const id = await this.reporterCase(number, body.code, '评价');
    await this.deps.workflow.run<RateInput>(CITIZEN, actor, id, 'rate', {
      code: body.code,
      rating: body.rating,
      note: body.comment?.trim() || null,
    });
    return this.publicStatus(number, body.code);
  }

  /** The citizen reopens the closed case within the configured days, with a reason. */
  async reopen(actor: Actor, number: string, body: { code: string; reason: string }) {
    const id = await this.reporterCase(number, body.code, '要求重新办理');
    await this.deps.workflow.run<ReopenInput>(CITIZEN, actor, id, 'reopen', {
      code: body.code,
      note: body.reason.trim(),
    });
    return this.publicStatus(number, body.code);
  }

  /** The reporter's case, closed (a citizen's message otherwise; the engine checks again under lock). */
  private async reporterCase(number: string, code: string, what: string): Promise<number> {
    const { id, viewer } = await this.verify(number, code);
    if (viewer !== 'reporter') throw new AppError('FORBIDDEN', `只有反映人可以${what}`);
    const c = await this.deps.db
      .selectFrom('cases')
      .select('state')
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
    if (!(CITIZEN_CLOSED_STATES as readonly string[]).includes(c.state))
      throw new AppError(
        'CASE_STATE',
        `事件${PUBLIC_CASE_STATES[c.state as CaseState].zh}，办结后才能${what}`,
      );
    return id;
  }

  /**
   * Open reports of a category near a point, reported recently (the duplicate settings), as
   * anybody may see them: category, the start of the text masked, distance, state, number.
   */
  async nearby(q: PublicNearbyQuery): Promise<PublicNearbyCase[]> {
    const { db } = this.deps;
    const settings = await this.deps.config.settings();
    if (settings.duplicateRadiusM === 0 || settings.duplicateHours === 0) return [];
    const [lng, lat] = toWgs84(q.lng, q.lat, q.crs ?? 'wgs84');
    const dLat = settings.duplicateRadiusM / 111_320;
    const dLng = settings.duplicateRadiusM / (111_320 * Math.max(0.01, Math.cos((lat * Math.PI) / 180)));
    const rows = await db
      .selectFrom('cases as c')
      .innerJoin('case_category as cc', 'cc.id', 'c.category_id')
      .select([
        'c.id',
        'c.number',
        'c.description',
        'c.state',
        'c.reported_at',
        'c.lng',
        'c.lat',
        'c.grid_id',
        'c.department_id',
        'c.reporter_name',
        'c.parties_enc',
        'cc.name as category',
        'cc.name_en as category_en',
      ])
      .where('c.category_id', '=', q.categoryId)
      .where('c.closed_at', 'is', null)
      .where('c.nature', 'not in', HIDDEN_NATURES)
      .where('c.reported_at', '>', new Date(Date.now() - settings.duplicateHours * 3600_000))
      .where('c.lng', '>=', lng - dLng)
      .where('c.lng', '<=', lng + dLng)
      .where('c.lat', '>=', lat - dLat)
      .where('c.lat', '<=', lat + dLat)
      .limit(200)
      .execute();
    const near = rows
      .map((r) => ({ r, distanceM: Math.round(haversineM(lng, lat, r.lng!, r.lat!)) }))
      .filter((x) => x.distanceM <= settings.duplicateRadiusM)
      .sort((a, b) => a.distanceM - b.distanceM)
      .slice(0, 10);
    return Promise.all(
      near.map(async ({ r, distanceM }) => {
        const state = r.state as CaseState;
        return {
          number: r.number,
          category: r.category,
          categoryEn: r.category_en || r.category,
          summary: excerpt(
            publicText(r.description, await this.snippetNames(r)),
            CITIZEN_LIMITS.nearbySnippet,
          ),
          distanceM,
          state,
          stateName: PUBLIC_CASE_STATES[state].zh,
          reportedAt: r.reported_at.toISOString(),
          followers: await this.followers(r.id),
        };
      }),
    );
  }

  /**
   * "我也遇到了": a citizen follows an open report instead of filing a new one. The case's
   * timeline gets a +1 (附议); the follower gets a read-only code of their own to track it.
   */
  async follow(actor: Actor, number: string, client: string): Promise<PublicFollowReceipt> {
    const { db, personal } = this.deps;
    const c = await db
      .selectFrom('cases')
      .select(['id', 'nature'])
      .where('number', '=', number)
      .executeTakeFirst();
    if (!c || HIDDEN_NATURES.includes(c.nature)) throw new AppError('NOT_FOUND', '事件不存在');
    const code = Array.from({ length: 6 }, () => CODE_ALPHABET[randomInt(CODE_ALPHABET.length)]).join('');
    try {
      await this.deps.workflow.run<FollowInput>(CITIZEN, actor, c.id, 'follow', {
        codeHash: followHash(personal, code),
        clientHash: personal.index(`case-follow-client:${client}`),
      });
    } catch (e) {
      if (e instanceof AppError && e.code === 'CASE_STATE')
        throw new AppError('CASE_STATE', '该问题已办结，如仍存在请重新反映');
      throw e;
    }
    return { number, accessCode: code, followers: await this.followers(c.id) };
  }

  private async followers(caseId: number): Promise<number> {
    const row = await this.deps.db
      .selectFrom('case_follow')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .where('case_id', '=', caseId)
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  /** Names to mask in another person's report: its parties, its reporter, the people on duty. */
  private snippetNames(c: Parameters<typeof staffNames>[1]): Promise<string[]> {
    return staffNames(this.deps.db, c, this.deps.personal);
  }
}
