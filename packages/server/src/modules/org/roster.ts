import { DUTY_ROLES, isDutyRole, type DutyRole, type Scheme } from '@wangge/shared';
import type { Principal } from '../../core/access/principal.ts';
import { pathInScope } from '../../core/access/scope.ts';
import { todayIn } from '../../core/calendar/dates.ts';
import type { Executor } from '../../core/db/types.ts';
import type { LedgerImport } from '../../core/ledger/import.ts';
import {
  CellError,
  parseChoice,
  parseDate,
  parsePersonal,
  type LedgerDef,
  type ReadRow,
} from '../../core/ledger/ledger.ts';
import { MOBILE, RESIDENT_ID } from '../../core/pii/kinds.ts';
import type { PersonalData } from '../../core/pii/personal.ts';

/** One line of a roster (网格员花名册): a person and the grid and role they are on duty for. */
export interface RosterLine {
  name: string;
  phone: string;
  idNumber: string | null;
  gridCode: string;
  role: DutyRole;
  startDate: string | null;
  organisation: string | null;
}

/** The roster every township keeps: name, phone, ID number, grid code, role, start date. */
export const ROSTER: LedgerDef<RosterLine> = {
  sheet: '网格员花名册',
  columns: [
    { key: 'name', zh: '姓名', en: 'Name', required: true, width: 10, example: '张三', value: (l) => l.name },
    {
      key: 'phone',
      zh: '手机号',
      en: 'Phone',
      required: true,
      format: 'text',
      width: 14,
      parse: parsePersonal(MOBILE),
      value: (l) => l.phone,
      example: '13800138000',
    },
    {
      key: 'idNumber',
      zh: '身份证号',
      en: 'ID number',
      format: 'text',
      width: 20,
      parse: parsePersonal(RESIDENT_ID),
      value: (l) => l.idNumber,
      hint: '18 位，校验位须正确；港澳台居住证、外国人永久居留身份证亦可',
    },
    {
      key: 'gridCode',
      zh: '网格编码',
      en: 'Grid code',
      required: true,
      format: 'text',
      width: 18,
      parse: (t) => {
        if (!/^\d{6,20}$/.test(t)) throw new CellError('应为网格的数字编码');
        return t;
      },
      example: '330523101201001',
      value: (l) => l.gridCode,
    },
    {
      key: 'role',
      zh: '职责',
      en: 'Role',
      required: true,
      width: 10,
      parse: parseChoice(DUTY_ROLES),
      value: (l) => DUTY_ROLES[l.role].zh,
      example: DUTY_ROLES.member.zh,
      hint: `如 ${DUTY_ROLES.chief.zh}、${DUTY_ROLES.member.zh}、${DUTY_ROLES.supervisor.zh}`,
    },
    {
      key: 'startDate',
      zh: '起始日期',
      en: 'Start date',
      format: 'date',
      width: 12,
      parse: parseDate,
      hint: '空则为导入当天',
      value: (l) => l.startDate,
    },
    { key: 'organisation', zh: '工作单位', en: 'Organisation', width: 18, value: (l) => l.organisation },
  ],
};

interface Target {
  id: number;
  path: string;
  live: boolean;
  duties: readonly string[] | null;
  levelName: string | null;
}

/**
 * The roster import of `principal`: grids found by code in their scope, the role allowed at the
 * grid's level; each line makes or updates the person (found by ID number, else by phone) and
 * puts them on duty unless they already are. Re-importing the same roster changes nothing.
 */
export function rosterImport(principal: Principal, personal: PersonalData, timeZone: string): LedgerImport {
  const grids = new Map<string, number>();
  return {
    def: ROSTER as LedgerDef<unknown>,
    key: (f) => `${f.idNumber ?? `m:${String(f.phone)}`}|${String(f.gridCode)}|${String(f.role)}`,
    check: async (db, rows) => {
      const codes = [
        ...new Set(rows.flatMap((r) => (typeof r.fields.gridCode === 'string' ? [r.fields.gridCode] : []))),
      ];
      if (!codes.length) return;
      const found = new Map<string, Target>();
      const nodes = await db
        .selectFrom('grid_node as g')
        .leftJoin('scheme as s', 's.key', 'g.scheme')
        .select(['g.id', 'g.code', 'g.path', 'g.valid_to', 'g.level', 's.definition'])
        .where('g.code', 'in', codes)
        .execute();
      for (const n of nodes) {
        const scheme = n.definition as Scheme | null;
        const level = scheme && n.level !== null ? scheme.levels[n.level] : undefined;
        const target = {
          id: n.id,
          path: n.path,
          live: n.valid_to === null,
          duties: level ? (level.duties as string[]) : null,
          levelName: level?.name ?? null,
        };
        // A code may have been reused after a closure: the live node wins.
        const prev = found.get(n.code!);
        if (!prev || (!prev.live && target.live)) found.set(n.code!, target);
      }
      for (const r of rows) {
        if (typeof r.fields.gridCode !== 'string') continue;
        const code = r.fields.gridCode;
        const t = found.get(code);
        const role = String(r.fields.role);
        if (!t) r.errors.push({ key: 'gridCode', message: `“网格编码”${code} 不存在` });
        else if (!t.live) r.errors.push({ key: 'gridCode', message: `“网格编码”${code} 的网格已撤销` });
        else if (!pathInScope(t.path, principal.scopePaths))
          r.errors.push({ key: 'gridCode', message: `“网格编码”${code} 不在您的管辖范围内` });
        else if (t.duties && isDutyRole(role) && !t.duties.includes(role))
          r.errors.push({
            key: 'role',
            message: `“职责”${DUTY_ROLES[role].zh}不能设在“${t.levelName}”一级`,
          });
        else grids.set(code, t.id);
      }
    },
    write: (trx, rows) => writeRoster(trx, personal, rows, grids, todayIn(timeZone)),
  };
}

/** Persons made or updated, duties added where not already held; counted per line. */
async function writeRoster(
  trx: Executor,
  personal: PersonalData,
  rows: ReadRow[],
  grids: Map<string, number>,
  today: string,
) {
  const lines = rows.map((r) => r.fields as unknown as RosterLine);
  const counts = { created: 0, updated: 0, unchanged: 0 };
  const idHash = (l: RosterLine) => (l.idNumber ? personal.index(l.idNumber) : null);
  const phoneHash = (l: RosterLine) => personal.index(l.phone);
  const byId = new Map<string, number>();
  const byPhone = new Map<string, number>();
  const ids = [...new Set(lines.map(idHash).filter((h): h is string => h !== null))];
  const phones = [...new Set(lines.filter((l) => !l.idNumber).map(phoneHash))];
  const existing = await trx
    .selectFrom('person')
    .select(['id', 'name', 'phone_hash', 'id_number_hash', 'organisation'])
    .where((eb) =>
      eb.or([
        ...(ids.length ? [eb('id_number_hash', 'in', ids)] : []),
        ...(phones.length
          ? [eb.and([eb('phone_hash', 'in', phones), eb('id_number_hash', 'is', null)])]
          : []),
        eb.val(false),
      ]),
    )
    .execute();
  const people = new Map(existing.map((p) => [p.id, p]));
  for (const p of existing) {
    if (p.id_number_hash) byId.set(p.id_number_hash, p.id);
    else if (p.phone_hash && !byPhone.has(p.phone_hash)) byPhone.set(p.phone_hash, p.id);
  }
  const personOf = new Map<number, number>();
  const changed = new Set<number>();
  const identity = (l: RosterLine) => idHash(l) ?? `m:${phoneHash(l)}`;
  const found = (l: RosterLine) => {
    const ih = idHash(l);
    return ih ? byId.get(ih) : byPhone.get(phoneHash(l));
  };
  const valuesOf = (l: RosterLine) => ({
    name: l.name,
    phone_enc: personal.encrypt(l.phone),
    phone_hash: phoneHash(l),
    id_number_enc: l.idNumber ? personal.encrypt(l.idNumber) : null,
    id_number_hash: idHash(l),
    organisation: l.organisation,
  });
  // New people in one statement (the first line of each names them).
  const fresh = new Map<string, RosterLine>();
  for (const l of lines) if (found(l) === undefined && !fresh.has(identity(l))) fresh.set(identity(l), l);
  if (fresh.size) {
    const made = await trx
      .insertInto('person')
      .values([...fresh.values()].map(valuesOf))
      .returning(['id', 'phone_hash', 'id_number_hash'])
      .execute();
    for (const m of made) {
      if (m.id_number_hash) byId.set(m.id_number_hash, m.id);
      else byPhone.set(m.phone_hash!, m.id);
      changed.add(m.id);
    }
  }
  for (const [i, l] of lines.entries()) {
    const id = found(l)!;
    const p = people.get(id);
    if (
      p &&
      (p.name !== l.name || p.phone_hash !== phoneHash(l) || p.organisation !== (l.organisation ?? null))
    ) {
      await trx
        .updateTable('person')
        .set({ ...valuesOf(l), updated_at: new Date() })
        .where('id', '=', id)
        .execute();
      people.set(id, { ...p, name: l.name, phone_hash: phoneHash(l), organisation: l.organisation });
      changed.add(id);
    }
    personOf.set(i, id);
  }
  const held = await trx
    .selectFrom('duty')
    .select(['person_id', 'node_id', 'role'])
    .where('person_id', 'in', [...new Set(personOf.values())])
    .where('valid_to', 'is', null)
    .execute();
  const onDuty = new Set(held.map((d) => `${d.person_id}:${d.node_id}:${d.role}`));
  const duties: { person_id: number; node_id: number; role: string; valid_from: string; note: string }[] = [];
  for (const [i, l] of lines.entries()) {
    const personId = personOf.get(i)!;
    const nodeId = grids.get(l.gridCode)!;
    const key = `${personId}:${nodeId}:${l.role}`;
    if (onDuty.has(key)) {
      if (changed.has(personId)) counts.updated += 1;
      else counts.unchanged += 1;
      continue;
    }
    onDuty.add(key);
    duties.push({
      person_id: personId,
      node_id: nodeId,
      role: l.role,
      valid_from: l.startDate ?? today,
      note: '花名册导入',
    });
    counts.created += 1;
  }
  if (duties.length) await trx.insertInto('duty').values(duties).execute();
  return counts;
}
