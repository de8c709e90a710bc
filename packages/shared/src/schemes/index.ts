import type { CodeRule } from '../codes.ts';
import { CODE_RULES } from '../codes.ts';
import { isDutyRole, type DutyRole } from '../duty-roles.ts';
import { isGridKind, type GridKind } from '../grid-kinds.ts';
import s00 from './s00-admin-divisions.json';
import s01 from './s01-county-safety.json';
import s02 from './s02-township-safety.json';
import s03 from './s03-bureau-zones.json';
import s04 from './s04-coal-mine.json';
import s05 from './s05-construction.json';
import s06 from './s06-community.json';
import s07 from './s07-fire-safety.json';
import s08 from './s08-environment.json';
import s09 from './s09-market-price.json';
import s10 from './s10-public-health.json';
import s11 from './s11-institution.json';

/** One level of a scheme: which node kinds stand there, how they are coded, who is on duty. */
export interface SchemeLevel {
  name: string;
  nameEn: string;
  kinds: GridKind[];
  code: CodeRule;
  duties: DutyRole[];
  /** The level whose nodes must each have at least one member on duty. */
  base?: boolean;
  /** Required number of people per duty role, where the scheme fixes it. */
  dutyCounts?: Partial<Record<DutyRole, number>>;
}

/** A grid scheme: the template of levels a tree follows (DOMAIN.md §3). */
export interface Scheme {
  key: string;
  code: string;
  name: string;
  nameEn: string;
  source: string;
  description: string;
  levels: SchemeLevel[];
  /** Scheme-specific rules (check frequencies, quotas, fines) used by later modules. */
  rules: Record<string, unknown>;
}

/** Checks a scheme definition and returns its problems (empty when valid). */
export function schemeProblems(raw: unknown): string[] {
  const s = raw as Partial<Scheme>;
  const problems: string[] = [];
  if (!s || typeof s !== 'object') return ['方案不是对象'];
  if (!s.key || !/^[a-z][a-z0-9_]{1,39}$/.test(s.key)) problems.push('key 必须是小写字母、数字、下划线');
  if (!s.name) problems.push('缺少 name');
  if (!Array.isArray(s.levels) || s.levels.length === 0) return [...problems, 'levels 不能为空'];
  s.levels.forEach((level, i) => {
    const at = `levels[${i}]`;
    if (!level.name) problems.push(`${at}.name 缺失`);
    if (!Array.isArray(level.kinds) || level.kinds.length === 0) problems.push(`${at}.kinds 不能为空`);
    for (const kind of level.kinds ?? [])
      if (!isGridKind(kind)) problems.push(`${at}: 未知的节点类型 ${kind}`);
    if (!CODE_RULES.includes(level.code)) problems.push(`${at}: 未知的编码规则 ${String(level.code)}`);
    for (const duty of level.duties ?? []) if (!isDutyRole(duty)) problems.push(`${at}: 未知的职责 ${duty}`);
    for (const duty of Object.keys(level.dutyCounts ?? {})) {
      if (!level.duties?.includes(duty as DutyRole))
        problems.push(`${at}: dutyCounts 中的 ${duty} 不在 duties 中`);
    }
  });
  if (s.levels.filter((l) => l.base).length !== 1) problems.push('必须恰好有一级标记为基础网格 (base)');
  return problems;
}

function load(raw: unknown): Scheme {
  const problems = schemeProblems(raw);
  if (problems.length)
    throw new Error(`invalid scheme ${(raw as { key?: string }).key}: ${problems.join('; ')}`);
  return raw as Scheme;
}

/** The shipped schemes: S0 for the national divisions, S1–S11 from DOMAIN.md §3. */
export const SCHEMES: readonly Scheme[] = [s00, s01, s02, s03, s04, s05, s06, s07, s08, s09, s10, s11].map(
  load,
);

export function schemeByKey(key: string): Scheme | undefined {
  return SCHEMES.find((s) => s.key === key);
}

/**
 * The level a node of `kind` takes directly below a node at level `parentLevel` (null for a root):
 * the next level, or the first level if it is a root. Returns null if the kind does not fit.
 */
export function levelForChild(scheme: Scheme, parentLevel: number | null, kind: string): number | null {
  const level = parentLevel === null ? 0 : parentLevel + 1;
  const def = scheme.levels[level];
  return def && (def.kinds as string[]).includes(kind) ? level : null;
}
