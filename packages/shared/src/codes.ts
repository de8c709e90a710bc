/**
 * Codes of grid nodes (DOMAIN.md §5): administrative codes (GB/T 2260 county 6 digits,
 * GB/T 10114 township 9 digits, statistical village/community 12 digits) and unit-grid codes
 * (CJ/T 213: 12-digit community code + 2-digit sequence, 3 in some cities; 00 = community-wide).
 * A code must agree with its parent chain. Pure functions, shared by server and web.
 */

/** How a level of a scheme codes its nodes. */
export type CodeRule =
  'admin2' | 'admin4' | 'admin6' | 'admin9' | 'admin12' | 'grid' | 'seq2' | 'seq3' | 'free';

export const CODE_RULES: readonly CodeRule[] = [
  'admin2',
  'admin4',
  'admin6',
  'admin9',
  'admin12',
  'grid',
  'seq2',
  'seq3',
  'free',
];

export interface CodeContext {
  rule: CodeRule;
  /** Node kind, which for 9- and 12-digit codes decides the allowed number range. */
  kind: string;
  /** The parent's code, or null for a root. */
  parentCode: string | null;
  /** Digits of the unit-grid sequence: 2 (default) or 3. */
  gridDigits?: 2 | 3;
}

export type CodeProblem = 'format' | 'parent_prefix' | 'range' | 'parent_missing' | 'reserved';

export const CODE_PROBLEM_TEXT: Record<CodeProblem, string> = {
  format: '编码位数或字符不正确',
  parent_prefix: '编码必须以上级编码开头',
  range: '编码序号不在该类型允许的范围内',
  parent_missing: '上级节点没有编码，无法校验',
  reserved: '该序号为保留值',
};

/** Number ranges of the last segment, by node kind (GB/T 10114 and the statistical division code). */
const RANGES: Record<string, [number, number]> = {
  street: [1, 99],
  town: [100, 199],
  township: [200, 399],
  // Development zones, farms, airports and the like (GB/T 10114 uses 400 and up).
  special_zone: [400, 999],
  community: [1, 199],
  village: [200, 399],
  special_area: [400, 999],
};

/** The length of the parent's code each administrative rule expects. */
const PARENT_LENGTH: Partial<Record<CodeRule, number>> = {
  admin4: 2,
  admin6: 4,
  admin9: 6,
  admin12: 9,
  grid: 12,
};

function digits(n: number): RegExp {
  return new RegExp(`^\\d{${n}}$`);
}

/** The length a code of this rule has, given the parent's code. */
export function codeLength(ctx: CodeContext): number | null {
  switch (ctx.rule) {
    case 'admin2':
      return 2;
    case 'admin4':
      return 4;
    case 'admin6':
      return 6;
    case 'admin9':
      return 9;
    case 'admin12':
      return 12;
    case 'grid':
      return 12 + (ctx.gridDigits ?? 2);
    case 'seq2':
      return ctx.parentCode ? ctx.parentCode.length + 2 : null;
    case 'seq3':
      return ctx.parentCode ? ctx.parentCode.length + 3 : null;
    case 'free':
      return null;
  }
}

/** The problems of `code` in its context; empty when it is valid. */
export function checkCode(code: string, ctx: CodeContext): CodeProblem[] {
  if (ctx.rule === 'free') return /^[0-9A-Za-z_-]{1,40}$/.test(code) ? [] : ['format'];
  const length = codeLength(ctx);
  if (length === null) return ['parent_missing'];
  if (ctx.rule === 'seq2' || ctx.rule === 'seq3') {
    // Parent's code (of any form) followed by a 2- or 3-digit sequence.
    if (code.length !== length || !/^\d+$/.test(code.slice(ctx.parentCode!.length))) return ['format'];
    if (!code.startsWith(ctx.parentCode!)) return ['parent_prefix'];
    return sequenceOf(code, ctx) === 0 ? ['reserved'] : [];
  }
  if (!digits(length).test(code)) return ['format'];
  const problems: CodeProblem[] = [];
  // A tree may start at any level (a township's own safety net starts at its town), so a root is
  // checked by format and range only; below a parent the code must extend the parent's.
  if (ctx.parentCode !== null && /^\d+$/.test(ctx.parentCode)) {
    const expected = PARENT_LENGTH[ctx.rule];
    if (expected && ctx.parentCode.length !== expected) problems.push('parent_prefix');
    else if (!code.startsWith(ctx.parentCode)) problems.push('parent_prefix');
  }
  const seq = sequenceOf(code, ctx);
  const range = RANGES[ctx.kind];
  if ((ctx.rule === 'admin9' || ctx.rule === 'admin12') && range && (seq < range[0] || seq > range[1]))
    problems.push('range');
  if ((ctx.rule === 'admin9' || ctx.rule === 'admin12') && !range && seq === 0) problems.push('range');
  return problems;
}

function sequenceOf(code: string, ctx: CodeContext): number {
  switch (ctx.rule) {
    case 'admin9':
      return Number(code.slice(6, 9));
    case 'admin12':
      return Number(code.slice(9, 12));
    case 'grid':
      return Number(code.slice(12));
    case 'seq2':
      return Number(code.slice(-2));
    case 'seq3':
      return Number(code.slice(-3));
    default:
      return -1;
  }
}

/**
 * The next free code for a new child: the lowest unused sequence in the range its kind allows.
 * Returns null when the range is full or the rule has no sequence (free, admin6 roots).
 */
export function nextCode(ctx: CodeContext, siblingCodes: Iterable<string>): string | null {
  if (ctx.rule === 'admin2') {
    // Provinces: 11–82 in GB/T 2260; the parent (the country) has no numeric code.
    const used = new Set(siblingCodes);
    for (let n = 11; n <= 99; n++) if (!used.has(String(n))) return String(n);
    return null;
  }
  if (!ctx.parentCode) return null;
  if (ctx.rule !== 'seq2' && ctx.rule !== 'seq3' && !/^\d+$/.test(ctx.parentCode)) return null;
  const used = new Set(siblingCodes);
  let prefix: string;
  let width: number;
  let [from, to] = [1, 0];
  switch (ctx.rule) {
    case 'admin4':
      prefix = ctx.parentCode.slice(0, 2);
      width = 2;
      [from, to] = [1, 99];
      break;
    case 'admin6':
      prefix = ctx.parentCode.slice(0, 4);
      width = 2;
      [from, to] = [1, 99];
      break;
    case 'admin9':
      prefix = ctx.parentCode.slice(0, 6);
      width = 3;
      [from, to] = RANGES[ctx.kind] ?? [1, 999];
      break;
    case 'admin12':
      prefix = ctx.parentCode.slice(0, 9);
      width = 3;
      [from, to] = RANGES[ctx.kind] ?? [1, 999];
      break;
    case 'grid':
      prefix = ctx.parentCode.slice(0, 12);
      width = ctx.gridDigits ?? 2;
      [from, to] = [1, 10 ** width - 1];
      break;
    case 'seq2':
    case 'seq3':
      prefix = ctx.parentCode;
      width = ctx.rule === 'seq2' ? 2 : 3;
      [from, to] = [1, 10 ** width - 1];
      break;
    default:
      return null;
  }
  for (let n = from; n <= to; n++) {
    const code = prefix + String(n).padStart(width, '0');
    if (!used.has(code)) return code;
  }
  return null;
}
