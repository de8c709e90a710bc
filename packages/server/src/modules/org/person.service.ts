import type { CreatePersonBody, PageResult, Person, PersonListQuery } from '@wangge/shared';

import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { sql, type Kysely } from 'kysely';
import { appendAudit, type Actor } from '../../core/audit/audit.service.ts';
import { escapeLike } from '../../core/db/like.ts';
import type { Principal } from '../../core/access/principal.ts';
import { scoped } from '../../core/access/scope.ts';

import type { DB, Executor } from '../../core/db/types.ts';
import { AppError } from '../../core/http/errors.ts';
import { imageKind } from '../../core/files/images.ts';
import { paginate } from '../../core/http/paginate.ts';

import type { PersonalData } from '../../core/pii/personal.ts';
import { MOBILE } from '../../core/pii/kinds.ts';

const PHOTO_MAX_BYTES = 2 * 1024 * 1024;

/** Where people's photos are kept: `people/` in the upload folder. */
export const peoplePhotoDir = (uploadDir: string) => path.join(uploadDir, 'people');

/**
 * People (人员): the person records duties are assigned to, with or without a login; their phone
 * as personal data (masked, revealed under audit) and their photo.
 */
export class PersonService {
  constructor(
    private readonly db: Kysely<DB>,
    private readonly personal: PersonalData,
  ) {}

  private phone(value: string | null | undefined) {
    if (value === undefined) return {};
    const { enc, hash } = this.personal.seal(MOBILE, value, 'phone');
    return { phone_enc: enc, phone_hash: hash };
  }

  private masked(enc: string | null): string | null {
    return this.personal.masked(MOBILE, enc);
  }

  async createPerson(actor: Actor, body: CreatePersonBody): Promise<Person> {
    const phone = this.phone(body.phone);
    return this.db.transaction().execute(async (trx) => {
      if (body.userId) {
        const user = await trx
          .selectFrom('app_user')
          .select('id')
          .where('id', '=', body.userId)
          .executeTakeFirst();
        if (!user) throw new AppError('VALIDATION_FAILED', undefined, { userId: '用户不存在' });
        const taken = await trx
          .selectFrom('person')
          .select('id')
          .where('user_id', '=', body.userId)
          .executeTakeFirst();
        if (taken) throw new AppError('CONFLICT', '该用户已关联另一名人员', { userId: '已关联' });
      }
      const row = await trx
        .insertInto('person')
        .values({
          name: body.name.trim(),
          organisation: body.organisation?.trim() || null,
          user_id: body.userId ?? null,
          ...phone,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      const person = (await this.people(trx, [row.id]))[0]!;
      await appendAudit(trx, actor, {
        action: 'person.create',
        targetType: 'person',
        targetId: row.id,
        after: person,
      });
      return person;
    });
  }

  private async people(db: Executor, ids: number[]): Promise<Person[]> {
    if (!ids.length) return [];
    const rows = await db
      .selectFrom('person as p')
      .select(['p.id', 'p.name', 'p.phone_enc', 'p.organisation', 'p.user_id', 'p.photo_path'])
      .select((eb) =>
        eb
          .selectFrom('duty as d')
          .select((e) => e.fn.countAll<number>().as('n'))
          .whereRef('d.person_id', '=', 'p.id')
          .where('d.valid_to', 'is', null)
          .as('active'),
      )
      .where('p.id', 'in', ids)
      .execute();
    const byId = new Map(rows.map((r) => [r.id, r]));
    return ids
      .map((id) => byId.get(id)!)
      .map((r) => ({
        id: r.id,
        name: r.name,
        phoneMasked: this.masked(r.phone_enc),
        organisation: r.organisation,
        userId: r.user_id,
        hasPhoto: r.photo_path !== null,
        activeDuties: Number(r.active ?? 0),
      }));
  }

  /**
   * People the principal may see: those on duty somewhere in their scope, and those on duty
   * nowhere (the pool new assignments are made from).
   */
  async listPeople(principal: Principal, query: PersonListQuery): Promise<PageResult<Person>> {
    let q = this.db.selectFrom('person as p').where((eb) =>
      eb.or([
        eb.exists(
          eb
            .selectFrom('duty as d')
            .innerJoin('grid_node as g', 'g.id', 'd.node_id')
            .select(sql`1`.as('one'))
            .whereRef('d.person_id', '=', 'p.id')
            .$call((q) => scoped(q, 'g.path', principal)),
        ),
        eb.not(
          eb.exists(
            eb
              .selectFrom('duty as d2')
              .select(sql`1`.as('one'))
              .whereRef('d2.person_id', '=', 'p.id'),
          ),
        ),
      ]),
    );
    const text = query.q?.trim();
    if (text) {
      const phone = this.personal.searchKey(MOBILE, text);
      q = q.where((eb) =>
        eb.or([
          eb('p.name', 'ilike', `%${escapeLike(text)}%`),
          ...(phone ? [eb('p.phone_hash', '=', phone)] : []),
        ]),
      );
    }
    return paginate(q.select('p.id').orderBy('p.id'), query, (rows) =>
      this.people(
        this.db,
        rows.map((r) => r.id),
      ),
    );
  }

  /** Full phone number of a person on duty in scope; the reveal is audited. */
  async revealPhone(
    principal: Principal,
    actor: Actor,
    personId: number,
    reason?: string,
  ): Promise<string | null> {
    return this.db.transaction().execute(async (trx) => {
      await this.assertVisible(trx, principal, personId);
      const row = await trx
        .selectFrom('person')
        .select('phone_enc')
        .where('id', '=', personId)
        .executeTakeFirstOrThrow();
      return this.personal.reveal(
        trx,
        actor,
        { type: 'person', id: personId },
        { field: 'phone' },
        reason,
        () => this.personal.open(row.phone_enc),
      );
    });
  }

  /**
   * Stores a person's photo (JPEG or PNG, checked by content: PDF can embed both, and the photo is
   * printed on notice boards) in the upload folder.
   */
  async setPhoto(
    principal: Principal,
    actor: Actor,
    personId: number,
    dataUrl: string,
    folder: string,
  ): Promise<Person> {
    const [, mime, base64] = /^data:(image\/(?:jpeg|png|webp));base64,(.*)$/s.exec(dataUrl) ?? [];
    const bytes = base64 ? Buffer.from(base64, 'base64') : Buffer.alloc(0);
    const kind = imageKind(bytes);
    if (!mime || !kind || `image/${kind}` !== mime || kind === 'webp') {
      throw new AppError('VALIDATION_FAILED', '照片格式不正确：只接受 JPEG 或 PNG 图片（用于打印公示牌）', {
        dataUrl: '只接受 JPEG 或 PNG 图片',
      });
    }
    if (bytes.length > PHOTO_MAX_BYTES) throw new AppError('PAYLOAD_TOO_LARGE', '照片不能超过 2 MB');
    return this.db.transaction().execute(async (trx) => {
      await this.assertVisible(trx, principal, personId);
      const before = await trx
        .selectFrom('person')
        .select('photo_path')
        .where('id', '=', personId)
        .forUpdate()
        .executeTakeFirstOrThrow();
      fs.mkdirSync(folder, { recursive: true });
      const name = `person-${personId}-${randomBytes(6).toString('hex')}.${kind === 'jpeg' ? 'jpg' : kind}`;
      fs.writeFileSync(path.join(folder, name), bytes);
      await trx
        .updateTable('person')
        .set({ photo_path: name, updated_at: new Date() })
        .where('id', '=', personId)
        .execute();
      await appendAudit(trx, actor, {
        action: 'person.photo',
        targetType: 'person',
        targetId: personId,
        after: { bytes: bytes.length, type: mime },
      });
      if (before.photo_path) fs.rmSync(path.join(folder, path.basename(before.photo_path)), { force: true });
      return (await this.people(trx, [personId]))[0]!;
    });
  }

  async photo(
    principal: Principal,
    personId: number,
    folder: string,
  ): Promise<{ bytes: Buffer; type: string }> {
    await this.assertVisible(this.db, principal, personId);
    const row = await this.db
      .selectFrom('person')
      .select('photo_path')
      .where('id', '=', personId)
      .executeTakeFirstOrThrow();
    const file = row.photo_path ? path.join(folder, path.basename(row.photo_path)) : null;
    if (!file || !fs.existsSync(file)) throw new AppError('NOT_FOUND', '没有照片');
    const bytes = fs.readFileSync(file);
    return { bytes, type: `image/${imageKind(bytes) ?? 'jpeg'}` };
  }

  /** Checks the person is visible to the principal: on duty in scope, or on no duty yet. */
  async assertVisible(db: Executor, principal: Principal, personId: number): Promise<void> {
    const exists = await db.selectFrom('person').select('id').where('id', '=', personId).executeTakeFirst();
    if (!exists) throw new AppError('NOT_FOUND', '人员不存在');
    const duties = await db
      .selectFrom('duty as d')
      .innerJoin('grid_node as g', 'g.id', 'd.node_id')
      .select(['g.path'])
      .where('d.person_id', '=', personId)
      .execute();
    if (duties.length && !duties.some((d) => principal.scopePaths.some((p) => d.path.startsWith(p)))) {
      throw new AppError('OUT_OF_SCOPE');
    }
  }
}
