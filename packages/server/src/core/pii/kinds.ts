import {
  maskEmail,
  maskMobile,
  maskResidentId,
  normalizeEmail,
  normalizeMobile,
  normalizeResidentId,
} from '@wangge/shared';
import type { PersonalKind } from './personal.ts';

/** A mainland mobile number (stored as 11 digits, shown as 138****0000). */
export const MOBILE: PersonalKind = {
  normalise: normalizeMobile,
  mask: maskMobile,
  message: '手机号格式不正确',
  invalid: '应为 11 位手机号，如 13800138000',
};

/** A resident ID number (GB 11643, with the residence permits and the 2023 foreign card). */
export const RESIDENT_ID: PersonalKind = {
  normalise: (raw) => normalizeResidentId(raw),
  mask: maskResidentId,
  message: '证件号码不正确',
  invalid: '应为 18 位公民身份号码（含港澳台居住证、外国人永久居留身份证），校验位须正确',
};

/** An e-mail address (domain lower-cased, shown as z***@example.com). */
export const EMAIL: PersonalKind = {
  normalise: normalizeEmail,
  mask: maskEmail,
  message: '邮箱格式不正确',
  invalid: '应为有效的邮箱地址，如 name@example.com',
};
