import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { FieldCipher } from './crypto.ts';
import { EMAIL, MOBILE, RESIDENT_ID } from './kinds.ts';
import { PersonalData } from './personal.ts';

describe('personal data fields', () => {
  const personal = new PersonalData(new FieldCipher(randomBytes(32)));

  it('stores a value normalised, encrypted and indexed; the same value always finds itself', () => {
    const a = personal.seal(MOBILE, '+86 139-1234-5678', 'phone');
    const b = personal.seal(MOBILE, '13912345678', 'phone');
    expect(a.enc).not.toContain('13912345678');
    expect(a.enc).not.toBe(b.enc); // a fresh nonce per value
    expect(a.hash).toBe(b.hash);
    expect(personal.open(a.enc)).toBe('13912345678');
    expect(personal.searchKey(MOBILE, ' 0086 13912345678 ')).toBe(a.hash);
    // Text that is no phone number searches nothing by phone.
    expect(personal.searchKey(MOBILE, '王网格')).toBeNull();
  });

  it('masks by default and clears on empty', () => {
    const { enc } = personal.seal(MOBILE, '13912345678', 'phone');
    expect(personal.masked(MOBILE, enc)).toBe('139****5678');
    expect(personal.masked(MOBILE, null)).toBeNull();
    expect(personal.seal(MOBILE, '  ', 'phone')).toEqual({ enc: null, hash: null });
    expect(personal.seal(MOBILE, null, 'phone')).toEqual({ enc: null, hash: null });
  });

  it('refuses an invalid value with a code, a Chinese message and the field named', () => {
    expect(() => personal.seal(MOBILE, '12345', 'parties/0/phone')).toThrow(
      expect.objectContaining({
        code: 'VALIDATION_FAILED',
        message: '手机号格式不正确',
        fields: { 'parties/0/phone': '应为 11 位手机号，如 13800138000' },
      }),
    );
    // 11010519491231002X is the standard's worked example; a wrong check digit is refused.
    expect(() => personal.seal(RESIDENT_ID, '110105194912310021', 'idNumber')).toThrow(
      expect.objectContaining({ code: 'VALIDATION_FAILED', fields: { idNumber: expect.any(String) } }),
    );
  });

  it('normalises ID numbers (lower-case x) and e-mail domains before indexing and masking', () => {
    const id = personal.seal(RESIDENT_ID, '11010519491231002x', 'idNumber');
    expect(id.hash).toBe(personal.searchKey(RESIDENT_ID, '11010519491231002X'));
    expect(personal.masked(RESIDENT_ID, id.enc)).toBe('110105********002X');
    const mail = personal.seal(EMAIL, 'Zhang.San@Example.COM', 'email');
    expect(personal.open(mail.enc)).toBe('Zhang.San@example.com');
    expect(personal.masked(EMAIL, mail.enc)).toBe('Z***@example.com');
  });
});
