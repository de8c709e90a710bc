/**
 * Exact validators for the identifiers of DOMAIN.md §5, and masking for display.
 * Each returns the normalised value or null when the input is not valid.
 */

const ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const ID_CHECK = '10X98765432';

/** Resident ID (GB 11643, 18 characters, ISO 7064 MOD 11-2), incl. HK/MO/TW permits and the 2023 foreign card. */
export function normalizeResidentId(input: string, today: Date = new Date()): string | null {
  const id = input.trim().toUpperCase();
  if (!/^\d{17}[\dX]$/.test(id)) return null;
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(id[i]) * ID_WEIGHTS[i]!;
  if (ID_CHECK[sum % 11] !== id[17]) return null;
  const year = Number(id.slice(6, 10));
  const month = Number(id.slice(10, 12));
  const day = Number(id.slice(12, 14));
  const birth = new Date(Date.UTC(year, month - 1, day));
  if (
    year < 1850 ||
    birth.getUTCFullYear() !== year ||
    birth.getUTCMonth() !== month - 1 ||
    birth.getUTCDate() !== day ||
    birth.getTime() > today.getTime()
  ) {
    return null;
  }
  // First digit: 1-6 mainland provinces, 8 for HK/MO/TW residence permits (81/82/83), 9 foreign card.
  const first = id[0]!;
  if (first === '8' && !['81', '82', '83'].includes(id.slice(0, 2))) return null;
  if (first === '0' || first === '7') return null;
  return id;
}

const USCC_CHARS = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const USCC_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];

/** Unified social credit code (GB 32100): 18 characters, weighted MOD 31 check. */
export function normalizeCreditCode(input: string): string | null {
  const code = input.trim().toUpperCase();
  if (!/^[0-9A-HJ-NPQRTUWXY]{18}$/.test(code)) return null;
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += USCC_CHARS.indexOf(code[i]!) * USCC_WEIGHTS[i]!;
  const check = (31 - (sum % 31)) % 31;
  return USCC_CHARS[check] === code[17] ? code : null;
}

/** Mainland mobile number: `1[3-9]` + 9 digits after removing +86/0086, spaces and hyphens. */
export function normalizeMobile(input: string): string | null {
  let s = input.replace(/[\s-]/g, '');
  if (s.startsWith('+86')) s = s.slice(3);
  else if (s.startsWith('0086')) s = s.slice(4);
  return /^1[3-9]\d{9}$/.test(s) ? s : null;
}

export function maskMobile(phone: string): string {
  return phone.length === 11 ? `${phone.slice(0, 3)}****${phone.slice(7)}` : '*'.repeat(phone.length);
}

/** E-mail address: trimmed, domain lower-cased; a plain `local@domain.tld` shape, at most 254 characters. */
export function normalizeEmail(input: string): string | null {
  const s = input.trim();
  if (s.length > 254 || !/^[^\s@<>(),;:"\\\p{Cc}]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$/u.test(s)) return null;
  const at = s.lastIndexOf('@');
  return `${s.slice(0, at)}@${s.slice(at + 1).toLowerCase()}`;
}

/** `zhang.san@example.com` → `z***@example.com`. */
export function maskEmail(email: string): string {
  const at = email.lastIndexOf('@');
  if (at < 1) return '*'.repeat(email.length);
  return `${email[0]}***${email.slice(at)}`;
}

export function maskResidentId(id: string): string {
  return id.length === 18 ? `${id.slice(0, 6)}********${id.slice(14)}` : '*'.repeat(id.length);
}
