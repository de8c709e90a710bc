/** Password policy, shared by the server (enforcement) and the web client (live hints). */
export interface PasswordPolicy {
  /** Minimum length in characters. */
  minLength: number;
  /** How many of the four classes (lower, upper, digit, symbol) must appear. */
  minClasses: number;
  /** Days after which a password must be changed; 0 disables expiry. */
  expiryDays: number;
  /** How many previous passwords may not be reused. */
  historyCount: number;
}

export const DEFAULT_PASSWORD_POLICY: PasswordPolicy = {
  minLength: 10,
  minClasses: 3,
  expiryDays: 90,
  historyCount: 5,
};

export const PASSWORD_MAX_LENGTH = 128;

export type PasswordRule = 'length' | 'classes' | 'contains_username' | 'too_long' | 'whitespace';

export const PASSWORD_RULE_TEXT: Record<PasswordRule, { zh: string; en: string }> = {
  length: { zh: '长度至少 {n} 位', en: 'At least {n} characters' },
  classes: {
    zh: '至少包含大写字母、小写字母、数字、符号中的 {n} 类',
    en: 'At least {n} of: upper case, lower case, digits, symbols',
  },
  contains_username: { zh: '不能包含用户名', en: 'Must not contain the user name' },
  too_long: { zh: `长度不超过 ${PASSWORD_MAX_LENGTH} 位`, en: `At most ${PASSWORD_MAX_LENGTH} characters` },
  whitespace: { zh: '不能包含空格等空白字符', en: 'Must not contain spaces' },
};

export function characterClasses(password: string): number {
  let n = 0;
  if (/[a-z]/.test(password)) n++;
  if (/[A-Z]/.test(password)) n++;
  if (/[0-9]/.test(password)) n++;
  if (/[^A-Za-z0-9\s]/.test(password)) n++;
  return n;
}

/** The rules a candidate password breaks; empty when it is acceptable. */
export function passwordViolations(
  password: string,
  policy: PasswordPolicy,
  username?: string,
): PasswordRule[] {
  const broken: PasswordRule[] = [];
  if ([...password].length < policy.minLength) broken.push('length');
  if ([...password].length > PASSWORD_MAX_LENGTH) broken.push('too_long');
  if (characterClasses(password) < policy.minClasses) broken.push('classes');
  if (/\s/.test(password)) broken.push('whitespace');
  if (username && username.length >= 3 && password.toLowerCase().includes(username.toLowerCase())) {
    broken.push('contains_username');
  }
  return broken;
}

export function describeRule(rule: PasswordRule, policy: PasswordPolicy, lang: 'zh' | 'en' = 'zh'): string {
  const n = rule === 'length' ? policy.minLength : rule === 'classes' ? policy.minClasses : 0;
  return PASSWORD_RULE_TEXT[rule][lang].replace('{n}', String(n));
}
