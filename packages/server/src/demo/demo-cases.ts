import { EventEmitter } from 'node:events';
import { sql, type Kysely } from 'kysely';
import type { Actor } from '../core/audit/audit.service.ts';
import type { Principal } from '../core/access/principal.ts';
import { loadPrincipal } from '../modules/identity/principal.repository.ts';
import { CalendarService } from '../core/calendar/calendar.service.ts';
import { CaseConfigService } from '../modules/case/case-config.service.ts';
import { Cases } from '../modules/case/cases.ts';
import { CASE } from '../modules/case/case.machine.ts';
import { Clocks } from '../core/clock/clocks.ts';
import type { Config } from '../config.ts';
import type { FieldCipher } from '../core/pii/crypto.ts';
import type { DB } from '../core/db/types.ts';
import { AppError } from '../core/http/errors.ts';
import { LocatorService } from '../modules/grid/locator.service.ts';
import { NotifyService } from '../core/notify/notify.service.ts';
import { createRandom, type Random } from './random.ts';
import { PersonalData } from '../core/pii/personal.ts';

/** Departments (条) of the demo county, with the categories they own. */
const DEPARTMENTS = [
  { code: 'CGZF', name: '县综合行政执法局', categories: ['SRHJ', 'XCGG', 'JMZX'], login: 'dept' },
  { code: 'GAJ', name: '县公安局城区派出所', categories: ['ZA'], login: 'dept2' },
  { code: 'ZJJ', name: '县住房和城乡建设局', categories: ['SGGL'], login: null },
  { code: 'SFS', name: '司法所（人民调解委员会）', categories: ['MSJF'], login: null },
  { code: 'YJJ', name: '县应急管理局', categories: ['AQSC'], login: null },
  { code: 'SJJ', name: '县市场监督管理局', categories: [], login: null },
] as const;

const DESCRIPTIONS: Record<string, string[]> = {
  SRHJ01: ['小区东门垃圾桶满溢，已有异味', '河道边堆放建筑垃圾', '菜场后门垃圾两天未清运'],
  SRHJ02: ['人行道地砖松动，老人容易绊倒', '路面坑洼积水，电动车绕行'],
  SRHJ03: ['十字路口雨水井盖缺失，存在安全隐患', '人行道井盖破损下陷'],
  SRHJ04: ['绿化带被踩踏损毁，树木倾斜'],
  XCGG01: ['沿街店铺私设大型广告牌', '楼顶广告架锈蚀松动'],
  XCGG02: ['小区楼道乱贴小广告', '公交站台被喷涂办证广告'],
  SGGL01: ['居民在屋顶违规搭建彩钢棚', '农户未批先建附属用房'],
  SGGL02: ['工地夜间施工噪音扰民', '渣土车未覆盖，道路扬尘严重'],
  TFSJ: ['路边电线杆倾斜，有倒塌危险', '老旧房屋外墙瓷砖脱落'],
  JMZX01: ['早市摊贩占用机动车道经营', '夜宵摊占道经营至凌晨'],
  JMZX02: ['消防通道被私家车长期占用', '共享单车堆积堵塞人行道'],
  MSJF01: ['楼上漏水引发邻里纠纷', '邻居饲养犬只扰民产生矛盾'],
  MSJF02: ['赡养老人问题引发家庭矛盾'],
  MSJF03: ['业主与物业因停车收费发生争执'],
  ZA: ['夜间有人在公园聚集喧哗', '小区电动车电瓶被盗'],
  AQSC: ['小作坊内电线私拉乱接', '沿街店铺违规存放液化气钢瓶'],
  QT: ['路灯不亮已一周', '公共健身器材损坏'],
};

/** Categories without a dispatch rule in the demo. */
const UNRULED = ['TFSJ', 'QT'];

type Target =
  'pending_dispatch' | 'assigned' | 'accepted' | 'handled' | 'rework' | 'archived' | 'rejected' | 'voided';

/**
 * Demo cases: departments with staff, dispatch rules, and about 150 cases in every state, driven
 * through the real workflow (so timelines, audit entries and notifications are genuine) and then
 * moved back in time across the last six weeks.
 */
export async function loadDemoCases(
  db: Kysely<DB>,
  deps: { cipher: FieldCipher; config: Config; seed: number; count?: number; progress?: (m: string) => void },
): Promise<{ cases: number; departments: number }> {
  const rng = createRandom(deps.seed + 4);
  const caseConfig = new CaseConfigService(db);
  const calendar = new CalendarService(db, deps.config.timeZone);
  const clocks = new Clocks(db, calendar);
  const cases = new Cases({
    db,
    personal: new PersonalData(deps.cipher),
    clocks,
    // Nothing else changes contacts while the demo loads: nothing to listen to.
    notify: new NotifyService(db, deps.cipher, deps.config, new EventEmitter()),
    locator: new LocatorService(db),
    config: caseConfig,
    timeZone: deps.config.timeZone,
    photoDir: `${deps.config.uploadDir}/cases`,
  });
  const users = new Map(
    (await db.selectFrom('app_user').select(['id', 'username', 'display_name']).execute()).map((u) => [
      u.username,
      u,
    ]),
  );
  const principal = async (username: string): Promise<{ p: Principal; a: Actor }> => {
    const u = users.get(username)!;
    return {
      p: (await loadPrincipal(db, u.id))!,
      a: { id: u.id, name: username, ip: null, userAgent: 'demo' },
    };
  };
  const categories = new Map(
    (await db.selectFrom('case_category').select(['id', 'code']).execute()).map((c) => [c.code, c.id]),
  );

  // Departments, their staff and the rules that send them their categories.
  const departmentIds = new Map<string, number>();
  for (const d of DEPARTMENTS) {
    const row = await db
      .insertInto('department')
      .values({ name: d.name, code: d.code, sectors: [], categories: [...d.categories] })
      .returning('id')
      .executeTakeFirstOrThrow();
    departmentIds.set(d.code, row.id);
    const loginUser = d.login ? users.get(d.login) : undefined;
    const person = await db
      .insertInto('person')
      .values({
        name: loginUser?.display_name ?? `${d.name.slice(1, 3)}联络员`,
        organisation: d.name,
        user_id: loginUser?.id ?? null,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await db
      .insertInto('department_staff')
      .values({ department_id: row.id, person_id: person.id, role: 'liaison' })
      .execute();
  }
  // Each township's and subdistrict's own unit (属地单位), for cases handed back to the locality.
  const towns = await db
    .selectFrom('grid_node')
    .select(['id', 'name', 'code'])
    .where('kind', 'in', ['street', 'town', 'township'])
    .where('valid_to', 'is', null)
    .orderBy('code')
    .execute();
  const townDept = users.get('towndept');
  const townDeptGrid = townDept
    ? (
        await db
          .selectFrom('user_scope')
          .select('grid_id')
          .where('user_id', '=', townDept.id)
          .executeTakeFirst()
      )?.grid_id
    : undefined;
  for (const [i, town] of towns.entries()) {
    const row = await db
      .insertInto('department')
      .values({
        name: `${town.name}综合治理中心`,
        code: `ZZ${town.code ?? i}`,
        sectors: [],
        categories: [],
        grid_id: town.id,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    // The unit of the township in the `towndept` login's scope is theirs.
    const loginUser = town.id === townDeptGrid ? townDept : undefined;
    const person = await db
      .insertInto('person')
      .values({
        name: loginUser?.display_name ?? `${town.name}综治联络员`,
        organisation: `${town.name}综合治理中心`,
        user_id: loginUser?.id ?? null,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await db
      .insertInto('department_staff')
      .values({ department_id: row.id, person_id: person.id, role: 'liaison' })
      .execute();
  }
  const system: Actor = {
    id: users.get('command')?.id ?? null,
    name: 'command',
    ip: null,
    userAgent: 'demo',
  };
  for (const d of DEPARTMENTS) {
    for (const code of d.categories) {
      await caseConfig.rules.create(system, {
        categoryId: categories.get(code)!,
        departmentId: departmentIds.get(d.code)!,
        note: `${d.name}负责`,
      });
    }
  }

  const grids = await db
    .selectFrom('grid_node')
    .select(['id', 'path', 'lng', 'lat'])
    .where('kind', '=', 'base_grid')
    .where('lng', 'is not', null)
    .orderBy('id')
    .execute();
  const memberScopes = new Map<string, string[]>();
  for (const name of ['member01', 'member02', 'member03']) {
    const { p } = await principal(name);
    memberScopes.set(name, p.scopePaths);
  }
  const codes = Object.keys(DESCRIPTIONS);
  const count = deps.count ?? 150;
  const actors = {
    command: await principal('command'),
    dept: await principal('dept'),
    dept2: await principal('dept2'),
    socialworker: await principal('socialworker'),
  };
  let made = 0;
  for (let i = 0; i < count; i++) {
    if (i % 25 === 0) deps.progress?.(`演示事件 ${i}/${count} (demo cases)…`);
    const target = pickTarget(rng);
    // Cases meant for the manual dispatch queue (or voided from it) come from categories no rule
    // covers, so auto-dispatch leaves them to the dispatcher.
    const code = target === 'pending_dispatch' || target === 'voided' ? rng.pick(UNRULED) : rng.pick(codes);
    const byMember = rng.next() < 0.35;
    const member = rng.pick(['member01', 'member02', 'member03']);
    const pool = byMember
      ? grids.filter((g) => memberScopes.get(member)!.some((s) => g.path.startsWith(s)))
      : grids;
    const grid = rng.pick(pool.length ? pool : grids);
    const description = rng.pick(DESCRIPTIONS[code]!);
    const urgent = code === 'TFSJ' || rng.next() < 0.08;
    try {
      const reporter = byMember ? await principal(member) : null;
      const result = await cases.intake.report(
        reporter?.p ?? null,
        reporter?.a ?? { id: null, name: '群众', ip: null, userAgent: 'demo' },
        {
          categoryId: categories.get(code)!,
          nature: code === 'ZA' ? 'police' : 'civil',
          handlingType: code === 'TFSJ' ? 'emergency' : 'coordination',
          urgency: urgent ? 'urgent' : 'normal',
          description,
          gridId: grid.id,
          location: { lng: grid.lng!, lat: grid.lat! },
          address: null,
          channel: byMember ? 'mobile' : rng.pick(['public_page', 'hotline', 'wechat']),
          reporterKind: byMember ? 'staff' : 'public',
          reporterName: byMember ? null : rng.pick(['王女士', '李先生', '张师傅', '陈阿姨', '匿名']),
          reporterPhone: byMember
            ? null
            : `13${rng.int(5, 9)}${String(rng.int(0, 99_999_999)).padStart(8, '0')}`,
        },
      );
      await drive(cases, actors, result.id, result.state, result.departmentId, target, departmentIds, rng);
      await backdate(db, result.id, rng);
      made++;
    } catch (err) {
      // A generated point may fall outside the outlines (irregular polygons): skip that case.
      // Anything else is a defect and must not leave the demo silently thinner.
      if (!(err instanceof AppError)) throw err;
    }
  }
  // The clocks were started at the real time of each step: recompute them from the backdated
  // starts, on the work calendar (natural-time clocks too).
  await clocks.retime(db, await calendar.get(db), { natural: true });
  return { cases: made, departments: DEPARTMENTS.length };
}

function pickTarget(rng: Random): Target {
  const r = rng.next();
  if (r < 0.38) return 'archived';
  if (r < 0.5) return 'handled';
  if (r < 0.65) return 'accepted';
  if (r < 0.77) return 'assigned';
  if (r < 0.85) return 'pending_dispatch';
  if (r < 0.91) return 'rework';
  if (r < 0.96) return 'rejected';
  return 'voided';
}

type Who = { p: Principal; a: Actor };

async function drive(
  cases: Cases,
  actors: { command: Who; dept: Who; dept2: Who; socialworker: Who },
  id: number,
  state: string,
  departmentId: number | null,
  target: Target,
  departments: Map<string, number>,
  rng: Random,
): Promise<void> {
  const { command } = actors;
  if (target === 'pending_dispatch') return;
  if (state === 'pending_dispatch') {
    if (target === 'voided') {
      await cases.workflow.run(command.p, command.a, id, 'void', { note: '重复上报，已合并处理' });
      return;
    }
    departmentId = departments.get(rng.pick(['CGZF', 'GAJ']))!;
    await cases.workflow.run(command.p, command.a, id, 'dispatch', { departmentId, note: '请尽快核实处置' });
  }
  if (target === 'voided' || target === 'assigned') return;
  // Only departments with a demo login move their cases on.
  const handler =
    departmentId === departments.get('CGZF')
      ? actors.dept
      : departmentId === departments.get('GAJ')
        ? actors.dept2
        : null;
  if (!handler) return;
  if (target === 'rejected') {
    await cases.workflow.run(handler.p, handler.a, id, 'reject', {
      note: '经核实不属于本部门职责，请重新分派',
    });
    return;
  }
  await cases.workflow.run(handler.p, handler.a, id, 'accept', {});
  if (target === 'accepted') return;
  await cases.workflow.run(handler.p, handler.a, id, 'feedback', {
    note: rng.pick(['已到现场处置完毕', '已责令当事人限期整改并复查', '已协调相关单位处理到位']),
  });
  if (target === 'handled') return;
  if (target === 'rework') {
    await cases.workflow.run(command.p, command.a, id, 'visit', {
      satisfied: false,
      note: '群众反映问题仍未解决',
      method: 'phone',
    });
    return;
  }
  await cases.workflow.run(command.p, command.a, id, 'visit', {
    satisfied: true,
    note: '电话回访，群众满意',
    method: 'phone',
  });
}

/**
 * Moves a freshly driven case back in time: the report between an hour and six weeks ago, each
 * later step some hours after the one before (never in the future), and the case's own
 * timestamps taken from its timeline, so list, timeline and clock agree. The clocks are
 * recomputed on the work calendar afterwards (retimeClocks).
 */
async function backdate(db: Kysely<DB>, caseId: number, rng: Random): Promise<void> {
  const events = await db
    .selectFrom('timeline_entry')
    .select(['id', 'action', 'to_state'])
    .where('subject_kind', '=', CASE)
    .where('subject_id', '=', caseId)
    .orderBy('id')
    .execute();
  if (!events.length) return;
  const now = Date.now();
  let at = now - rng.between(1 / 24, 42) * 86_400_000;
  const times = events.map((e, i) => {
    // Automatic steps (auto-dispatch, auto-archive) follow at once; people take hours.
    if (i > 0)
      at = Math.min(now, at + (e.action.startsWith('auto_') ? 1000 : rng.between(0.3, 20) * 3_600_000));
    return new Date(Math.round(at));
  });
  for (let i = 0; i < events.length; i++) {
    await sql`update timeline_entry set at = ${times[i]!} where id = ${events[i]!.id}`.execute(db);
  }
  const last = (actions: string[]) => {
    for (let i = events.length - 1; i >= 0; i--) if (actions.includes(events[i]!.action)) return times[i]!;
    return null;
  };
  let transitioned = times[0]!;
  for (let i = 0; i < events.length; i++) if (events[i]!.to_state) transitioned = times[i]!;
  const row = await db
    .selectFrom('cases')
    .select(['closed_at'])
    .where('id', '=', caseId)
    .executeTakeFirstOrThrow();
  await db
    .updateTable('cases')
    .set({
      reported_at: times[0]!,
      accepted_at: last(['accept']),
      handled_at: last(['feedback', 'on_spot']),
      closed_at: row.closed_at ? transitioned : null,
      updated_at: times[times.length - 1]!,
    })
    .where('id', '=', caseId)
    .execute();
  // The running clock started with the last transition.
  await db
    .updateTable('clock')
    .set({ started_at: transitioned })
    .where('subject_kind', '=', CASE)
    .where('subject_id', '=', caseId)
    .where('stopped_at', 'is', null)
    .execute();
}
