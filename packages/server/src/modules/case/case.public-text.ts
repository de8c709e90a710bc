import { maskMobile, maskResidentId } from '@wangge/shared';

/**
 * Texts written by staff, made safe to show the public: phone numbers (mobile, with +86 or
 * separators; landlines with an area code, with or without an extension), resident ID numbers
 * and the names given (staff, parties, the reporter) masked. Pure: the caller gathers the names.
 */
export function publicText(text: string, names: readonly string[] = []): string {
  let out = text
    // Resident IDs first: their digits would otherwise read as a phone number.
    .replace(/(?<![0-9A-Za-z])\d{17}[\dXx](?![0-9A-Za-z])/g, (id) => maskResidentId(id.toUpperCase()))
    // Mobiles: 1[3-9] and nine digits, spaces or hyphens between groups, +86 / 0086 in front.
    .replace(/(?<![\d*])(?:(?:\+|00)86[\s-]?)?(1[3-9]\d(?:[\s-]?\d){8})(?![\d*])/g, (_m, digits: string) =>
      maskMobile(digits.replace(/[\s-]/g, '')),
    )
    // Landlines: an area code 0xx / 0xxx (in brackets or not), 7–8 digits, an optional extension.
    .replace(
      /(?<![\d*])(?:[（(]\s*(0\d{2,3})\s*[)）]|(0\d{2,3}))[\s-]?(\d{3,4})[\s-]?(\d{4})(?:\s*(?:-|转|ext\.?)\s*\d{1,5})?(?![\d*])/gi,
      (_m, a1: string | undefined, a2: string | undefined, head: string, tail: string) =>
        `${a1 ?? a2}-${'*'.repeat(head.length + 2)}${tail.slice(2)}`,
    );
  // Longest names first, so that 张三丰 is not left as 张*丰.
  const unique = [...new Set(names.map((n) => n.trim()).filter((n) => Array.from(n).length >= 2))].sort(
    (a, b) => b.length - a.length,
  );
  for (const name of unique) out = out.split(name).join(maskName(name));
  return out;
}

/** 张三 → 张*, 欧阳娜娜 → 欧***. */
export function maskName(name: string): string {
  const chars = Array.from(name);
  return chars[0] + '*'.repeat(chars.length - 1);
}

/** The first `max` characters (code points) of a text, with an ellipsis when cut. */
export function excerpt(text: string, max: number): string {
  const chars = Array.from(text.replace(/\s+/g, ' ').trim());
  return chars.length > max ? `${chars.slice(0, max).join('')}…` : chars.join('');
}
