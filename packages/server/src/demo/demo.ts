import type { BuiltinRoleKey } from '@wangge/shared';
import type { Kysely } from 'kysely';
import { appendAudit, SYSTEM_ACTOR } from '../core/audit/audit.service.ts';
import type { PasswordHasher } from '../modules/identity/password-hasher.ts';
import type { FieldCipher } from '../core/pii/crypto.ts';
import type { DB } from '../core/db/types.ts';
import { insertGridNodes, type NewGridNodeInBatch } from '../modules/grid/grid.repository.ts';
import {
  DEMO_OPEN311_KEY_DEFAULT,
  DEMO_OPEN311_KEY_NAME,
  insertApiKey,
} from '../modules/open311/apikey.service.ts';
import { readCounty, shortVillageName, townshipKind, villageKind } from '../modules/grid/divisions.ts';
import { areaBBox, areaCenter, irregularOutline, subdivide, type Area } from './geometry.ts';
import { createRandom, type Random } from './random.ts';

/** The demo county: 安吉县 (Anji, Huzhou, Zhejiang), with its real location. */
export const DEMO_COUNTY = {
  code: '330523',
  center: [119.68, 30.64] as [number, number],
  radius: [0.3, 0.22] as [number, number],
};

export interface DemoLogin {
  username: string;
  displayName: string;
  role: BuiltinRoleKey;
  scope: string;
}

export interface DemoResult {
  county: string;
  gridCount: number;
  logins: DemoLogin[];
}

const SURNAMES =
  '王李张刘陈杨黄赵吴周徐孙马朱胡郭何林高罗郑梁谢宋唐许韩冯邓曹彭曾萧田董潘袁蔡蒋余于杜叶程魏苏吕丁任沈姚';
const GIVEN = '伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华建国红梅海燕志文斌晨浩宇欣怡佳琪子轩俊杭';

function personName(rng: Random): string {
  const given = rng.next() < 0.6 ? rng.pick([...GIVEN]) + rng.pick([...GIVEN]) : rng.pick([...GIVEN]);
  return rng.pick([...SURNAMES]) + given;
}

function mobile(rng: Random): string {
  return `1${rng.pick(['39', '38', '37', '58', '59', '88', '87', '36', '51', '82'])}${String(rng.int(0, 99_999_999)).padStart(8, '0')}`;
}

/**
 * Loads the deterministic demo dataset into an empty database: the county's real townships and
 * villages/communities from the national division data, base grids with generated polygons
 * around the county's real location (CJ/T 213 codes: 12-digit community code + 2-digit
 * sequence), and one account for every demo role. Later modules extend this generator.
 */
export async function loadDemo(
  db: Kysely<DB>,
  deps: {
    hasher: PasswordHasher;
    cipher: FieldCipher;
    seed: number;
    password: string;
    /** Secret of the demo Open311 API key; default `demo-open311-key-2026`. */
    open311Key?: string;
    progress?: (message: string) => void;
  },
): Promise<DemoResult> {
  const progress = deps.progress ?? (() => undefined);
  const rng = createRandom(deps.seed);
  progress('演示数据 1/3：读取全国行政区划 (reading the national divisions)…');
  const divisions = await readCounty(DEMO_COUNTY.code);
  progress(`演示数据 2/3：为${divisions.county.name}生成网格 (generating grids)…`);
  const countyArea = irregularOutline(rng, DEMO_COUNTY.center, DEMO_COUNTY.radius[0], DEMO_COUNTY.radius[1]);
  const townAreas = subdivide(rng, countyArea, divisions.townships.length);

  // Hash once per account up front: argon2 is deliberately slow, and runs off the main thread.
  const passwordHash = (n: number) =>
    Promise.all(Array.from({ length: n }, () => deps.hasher.hash(deps.password)));

  // The whole tree is built in memory first, then written in one batch.
  const nodes: NewGridNodeInBatch[] = [];
  const add = (key: string, parent: string | null, kind: string, name: string, code: string, area: Area) =>
    nodes.push({
      key,
      parent: parent === null ? null : { key: parent },
      scheme: parent === null ? 'county_safety' : null,
      kind,
      name,
      code,
      geometry: area.geometry,
      bbox: areaBBox(area),
      center: areaCenter(area),
    });
  add(divisions.county.code, null, 'county', divisions.county.name, divisions.county.code, countyArea);
  const baseGridCodes = new Map<string, string[]>();
  for (const [i, town] of divisions.townships.entries()) {
    const area = townAreas[i] ?? townAreas[townAreas.length - 1]!;
    add(town.code, divisions.county.code, townshipKind(town.code), town.name, town.code, area);
    const villages = divisions.villages.filter((v) => v.townshipCode === town.code);
    const villageAreas = subdivide(rng, area, villages.length);
    for (const [j, village] of villages.entries()) {
      const vArea = villageAreas[j] ?? villageAreas[villageAreas.length - 1]!;
      const kind = villageKind(village.code);
      const short = shortVillageName(village.name);
      add(village.code, town.code, kind, short, village.code, vArea);
      const gridAreas = subdivide(rng, vArea, kind === 'community' ? rng.int(3, 6) : rng.int(2, 4), 1);
      const codes: string[] = [];
      for (const [k, gArea] of gridAreas.entries()) {
        const code = `${village.code}${String(k + 1).padStart(2, '0')}`;
        add(code, village.code, 'base_grid', `${short}第${k + 1}网格`, code, gArea);
        codes.push(code);
      }
      baseGridCodes.set(village.code, codes);
    }
  }

  progress(`演示数据 3/3：写入 ${nodes.length} 个网格节点和演示账号 (writing)…`);
  return db.transaction().execute(async (trx) => {
    const idOf = await insertGridNodes(trx, nodes);
    const gridCount = nodes.length;
    const countyId = idOf.get(divisions.county.code)!;
    const townIds = new Map(divisions.townships.map((t) => [t.code, idOf.get(t.code)!]));
    const villageIds = new Map(divisions.villages.map((v) => [v.code, idOf.get(v.code)!]));
    const baseGrids = new Map([...baseGridCodes].map(([v, codes]) => [v, codes.map((c) => idOf.get(c)!)]));

    // Demo accounts: one per role, scoped to real places of the county.
    const firstTown = divisions.townships[0]!;
    const secondTown =
      divisions.townships.find((t) => townshipKind(t.code) === 'town') ?? divisions.townships[1]!;
    const community = divisions.villages.find(
      (v) => v.townshipCode === firstTown.code && villageKind(v.code) === 'community',
    )!;
    const ruralVillage = divisions.villages.find((v) => v.townshipCode === secondTown.code)!;
    const communityGrids = baseGrids.get(community.code)!;
    const ruralGrids = baseGrids.get(ruralVillage.code)!;
    const communityName = shortVillageName(community.name);
    const ruralName = shortVillageName(ruralVillage.name);

    const accounts: {
      username: string;
      role: BuiltinRoleKey;
      scopes: number[];
      scope: string;
      title?: string;
    }[] = [
      {
        username: 'sysadmin',
        role: 'sys_admin',
        scopes: [countyId],
        scope: divisions.county.name,
        title: '系统管理员',
      },
      {
        username: 'secadmin',
        role: 'sec_admin',
        scopes: [countyId],
        scope: divisions.county.name,
        title: '安全管理员',
      },
      { username: 'auditadmin', role: 'audit_admin', scopes: [], scope: '—', title: '审计管理员' },
      { username: 'leader', role: 'leader', scopes: [countyId], scope: divisions.county.name },
      { username: 'command', role: 'command_center', scopes: [countyId], scope: divisions.county.name },
      { username: 'dept', role: 'department_staff', scopes: [countyId], scope: divisions.county.name },
      { username: 'dept2', role: 'department_staff', scopes: [countyId], scope: divisions.county.name },
      {
        username: 'towndept',
        role: 'department_staff',
        scopes: [townIds.get(firstTown.code)!],
        scope: firstTown.name,
      },
      {
        username: 'townchief',
        role: 'grid_chief',
        scopes: [townIds.get(firstTown.code)!],
        scope: firstTown.name,
      },
      {
        username: 'townchief2',
        role: 'grid_chief',
        scopes: [townIds.get(secondTown.code)!],
        scope: secondTown.name,
      },
      {
        username: 'villagechief',
        role: 'grid_chief',
        scopes: [villageIds.get(community.code)!],
        scope: communityName,
      },
      {
        username: 'socialworker',
        role: 'social_worker',
        scopes: [villageIds.get(community.code)!],
        scope: communityName,
      },
      {
        username: 'member01',
        role: 'grid_member',
        scopes: [communityGrids[0]!],
        scope: `${communityName}第1网格`,
      },
      {
        username: 'member02',
        role: 'grid_member',
        scopes: [communityGrids[1]!],
        scope: `${communityName}第2网格`,
      },
      { username: 'member03', role: 'grid_member', scopes: [ruralGrids[0]!], scope: `${ruralName}第1网格` },
    ];
    const hashes = await passwordHash(accounts.length);
    const logins: DemoLogin[] = [];
    // People on duty: the demo accounts that work in the grid hold their posts; everyone else on
    // duty is a person without a login. About one base grid in 25 is left without a member, so
    // the gap report has something to show.
    const duties: {
      person: { name: string; phone: string; userId: number | null };
      nodeId: number;
      role: string;
    }[] = [];
    const dutyOf: Partial<Record<string, { nodeId: number; role: string }>> = {
      townchief: { nodeId: townIds.get(firstTown.code)!, role: 'chief' },
      townchief2: { nodeId: townIds.get(secondTown.code)!, role: 'chief' },
      villagechief: { nodeId: villageIds.get(community.code)!, role: 'chief' },
      member01: { nodeId: communityGrids[0]!, role: 'member' },
      member02: { nodeId: communityGrids[1]!, role: 'member' },
      member03: { nodeId: ruralGrids[0]!, role: 'member' },
    };
    const taken = new Set(Object.values(dutyOf).map((d) => `${d!.nodeId}:${d!.role}`));
    for (const [i, a] of accounts.entries()) {
      const displayName = a.title ?? personName(rng);
      const phone = mobile(rng);
      const user = await trx
        .insertInto('app_user')
        .values({
          username: a.username,
          display_name: displayName,
          phone_enc: deps.cipher.encrypt(phone),
          phone_hash: deps.cipher.blindIndex(phone),
          password_hash: hashes[i]!,
          must_change_password: false,
          is_demo: true,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      await trx
        .insertInto('password_history')
        .values({ user_id: user.id, password_hash: hashes[i]! })
        .execute();
      await trx.insertInto('user_role').values({ user_id: user.id, role_key: a.role }).execute();
      if (a.scopes.length) {
        await trx
          .insertInto('user_scope')
          .values(a.scopes.map((g) => ({ user_id: user.id, grid_id: g })))
          .execute();
      }
      logins.push({ username: a.username, displayName, role: a.role, scope: a.scope });
      const post = dutyOf[a.username];
      if (post) duties.push({ person: { name: displayName, phone, userId: user.id }, ...post });
    }
    // The Open311 API key of the demo (README: Open311), issued by the system administrator.
    const sysadmin = await trx
      .selectFrom('app_user')
      .select('id')
      .where('username', '=', 'sysadmin')
      .executeTakeFirst();
    await insertApiKey(trx, deps.cipher, SYSTEM_ACTOR, {
      name: DEMO_OPEN311_KEY_NAME,
      secret: deps.open311Key ?? DEMO_OPEN311_KEY_DEFAULT,
      createdBy: sysadmin?.id ?? null,
    });
    const staff = (nodeId: number, role: string) => {
      if (taken.has(`${nodeId}:${role}`)) return;
      duties.push({ person: { name: personName(rng), phone: mobile(rng), userId: null }, nodeId, role });
    };
    for (const id of townIds.values()) staff(id, 'chief');
    for (const id of villageIds.values()) staff(id, 'chief');
    for (const ids of baseGrids.values()) for (const id of ids) if (rng.next() > 0.04) staff(id, 'member');
    const people = await trx
      .insertInto('person')
      .values(
        duties.map((d) => ({
          name: d.person.name,
          phone_enc: deps.cipher.encrypt(d.person.phone),
          phone_hash: deps.cipher.blindIndex(d.person.phone),
          user_id: d.person.userId,
          organisation: null,
        })),
      )
      .returning('id')
      .execute();
    await trx
      .insertInto('duty')
      .values(
        duties.map((d, i) => ({
          person_id: people[i]!.id,
          node_id: d.nodeId,
          role: d.role,
          valid_from: '2026-01-01',
        })),
      )
      .execute();
    await appendAudit(trx, SYSTEM_ACTOR, {
      action: 'demo.load',
      after: {
        county: divisions.county.code,
        seed: deps.seed,
        grids: gridCount,
        users: accounts.length,
        duties: duties.length,
      },
    });
    return {
      county: `${divisions.province.name}${divisions.city.name}${divisions.county.name}`,
      gridCount,
      logins,
    };
  });
}
