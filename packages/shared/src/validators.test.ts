import { describe, expect, it } from 'vitest';
import {
  maskMobile,
  maskResidentId,
  normalizeCreditCode,
  normalizeMobile,
  normalizeResidentId,
} from './validators.ts';

const today = new Date('2026-11-22T00:00:00Z');

describe('resident ID (GB 11643)', () => {
  it('accepts valid numbers, including X check characters given in lower case', () => {
    expect(normalizeResidentId('11010519491231002X', today)).toBe('11010519491231002X');
    expect(normalizeResidentId('11010519491231002x', today)).toBe('11010519491231002X');
    expect(normalizeResidentId('440524188001010014', today)).toBe('440524188001010014');
  });
  it('accepts HK/MO/TW residence permits and the 2023 foreign permanent-residence card', () => {
    for (const first17 of [
      '81000019900101001',
      '82000019851212002',
      '83000020000229003',
      '93310619800101123',
    ]) {
      const id = first17 + idCheckOf(first17);
      expect(normalizeResidentId(id, today)).toBe(id);
    }
  });
  it('rejects a wrong check character, impossible or future dates and bad shapes', () => {
    expect(normalizeResidentId('110105194912310021', today)).toBeNull();
    expect(normalizeResidentId('110105194902300021', today)).toBeNull(); // 30 February
    expect(normalizeResidentId('110105202712310020', today)).toBeNull(); // born in the future
    expect(normalizeResidentId('11010519491231002', today)).toBeNull();
    expect(normalizeResidentId('84000019900101001' + idCheckOf('84000019900101001'), today)).toBeNull(); // 84 is no permit prefix
    expect(normalizeResidentId('83000020010229003' + idCheckOf('83000020010229003'), today)).toBeNull(); // 2001 is no leap year
  });
});

/** Independent ISO 7064 MOD 11-2 computation for building test numbers. */
function idCheckOf(first17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(first17[i]) * (2 ** (17 - i) % 11);
  return '10X98765432'[sum % 11]!;
}

describe('unified social credit code (GB 32100)', () => {
  it('accepts valid codes, including ones starting with a letter and ending in 0', () => {
    expect(normalizeCreditCode('91350100M000100Y43')).toBe('91350100M000100Y43');
    expect(normalizeCreditCode('91110000802100433b'.toUpperCase())).toBe('91110000802100433B');
    expect(
      normalizeCreditCode('N2330523MA2B3C4D56'.slice(0, 17) + checkOf('N2330523MA2B3C4D5')),
    ).not.toBeNull();
  });
  it('rejects bad check characters and forbidden letters', () => {
    expect(normalizeCreditCode('91350100M000100Y44')).toBeNull();
    expect(normalizeCreditCode('91350100M000100I43')).toBeNull(); // I is not in the alphabet
    expect(normalizeCreditCode('9135010')).toBeNull();
  });
});

function checkOf(first17: string): string {
  const chars = '0123456789ABCDEFGHJKLMNPQRTUWXY';
  const w = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];
  const sum = [...first17].reduce((s, c, i) => s + chars.indexOf(c) * w[i]!, 0);
  return chars[(31 - (sum % 31)) % 31]!;
}

describe('mobile phone', () => {
  it('normalises +86, 0086, spaces and hyphens', () => {
    expect(normalizeMobile('+86 138-0013-8000')).toBe('13800138000');
    expect(normalizeMobile('008613800138000')).toBe('13800138000');
  });
  it('rejects landlines, short numbers and 12x prefixes', () => {
    expect(normalizeMobile('0571-88888888')).toBeNull();
    expect(normalizeMobile('1380013800')).toBeNull();
    expect(normalizeMobile('12800138000')).toBeNull();
  });
  it('masks for display', () => {
    expect(maskMobile('13800138000')).toBe('138****8000');
    expect(maskResidentId('11010519491231002X')).toBe('110105********002X');
  });
});
