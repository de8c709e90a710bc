import { describe, expect, it } from 'vitest';
import { checkCode, nextCode } from './codes.ts';

describe('administrative and unit-grid codes', () => {
  it('accepts codes that agree with their parent chain', () => {
    expect(checkCode('33', { rule: 'admin2', kind: 'province', parentCode: null })).toEqual([]);
    expect(checkCode('3305', { rule: 'admin4', kind: 'city', parentCode: '33' })).toEqual([]);
    expect(checkCode('330523', { rule: 'admin6', kind: 'county', parentCode: '3305' })).toEqual([]);
    expect(checkCode('330523', { rule: 'admin6', kind: 'county', parentCode: null })).toEqual([]);
    expect(checkCode('330523001', { rule: 'admin9', kind: 'street', parentCode: '330523' })).toEqual([]);
    expect(checkCode('330523103', { rule: 'admin9', kind: 'town', parentCode: '330523' })).toEqual([]);
    expect(checkCode('330523201', { rule: 'admin9', kind: 'township', parentCode: '330523' })).toEqual([]);
    expect(
      checkCode('330523001002', { rule: 'admin12', kind: 'community', parentCode: '330523001' }),
    ).toEqual([]);
    expect(checkCode('330523103201', { rule: 'admin12', kind: 'village', parentCode: '330523103' })).toEqual(
      [],
    );
    expect(
      checkCode('33052300100201', { rule: 'grid', kind: 'base_grid', parentCode: '330523001002' }),
    ).toEqual([]);
    expect(
      checkCode('33052300100200', { rule: 'grid', kind: 'base_grid', parentCode: '330523001002' }),
    ).toEqual([]);
    expect(
      checkCode('330523001002001', {
        rule: 'grid',
        kind: 'base_grid',
        parentCode: '330523001002',
        gridDigits: 3,
      }),
    ).toEqual([]);
    expect(
      checkCode('3305230010020101', { rule: 'seq2', kind: 'compound', parentCode: '33052300100201' }),
    ).toEqual([]);
  });

  it('names what is wrong with a bad code', () => {
    expect(checkCode('33052', { rule: 'admin6', kind: 'county', parentCode: null })).toEqual(['format']);
    expect(checkCode('33052300A', { rule: 'admin9', kind: 'town', parentCode: '330523' })).toEqual([
      'format',
    ]);
    expect(checkCode('330524103', { rule: 'admin9', kind: 'town', parentCode: '330523' })).toEqual([
      'parent_prefix',
    ]);
    expect(checkCode('330523001', { rule: 'admin9', kind: 'town', parentCode: '330523' })).toEqual(['range']); // 001 is a street
    expect(checkCode('330523250', { rule: 'admin9', kind: 'street', parentCode: '330523' })).toEqual([
      'range',
    ]);
    expect(
      checkCode('330523103201', { rule: 'admin12', kind: 'community', parentCode: '330523103' }),
    ).toEqual(['range']);
    expect(checkCode('330523103101', { rule: 'admin12', kind: 'village', parentCode: '330523103' })).toEqual([
      'range',
    ]);
    expect(
      checkCode('33052310320101', { rule: 'grid', kind: 'base_grid', parentCode: '330523103202' }),
    ).toEqual(['parent_prefix']);
    expect(checkCode('330523103', { rule: 'admin9', kind: 'town', parentCode: null })).toEqual([]); // a tree's root
    expect(checkCode('330523003', { rule: 'admin9', kind: 'town', parentCode: null })).toEqual(['range']);
    expect(checkCode('MINE1-01', { rule: 'seq2', kind: 'office', parentCode: 'MINE1-' })).toEqual([]);
    expect(checkCode('MINE1-0A', { rule: 'seq2', kind: 'office', parentCode: 'MINE1-' })).toEqual(['format']);
    expect(checkCode('01', { rule: 'seq2', kind: 'office', parentCode: null })).toEqual(['parent_missing']);
    expect(checkCode('330523103', { rule: 'admin9', kind: 'town', parentCode: '3305' })).toEqual([
      'parent_prefix',
    ]);
    expect(
      checkCode('3305230010020100', { rule: 'seq2', kind: 'compound', parentCode: '33052300100201' }),
    ).toEqual(['reserved']);
    expect(checkCode('有空格 的', { rule: 'free', kind: 'team', parentCode: null })).toEqual(['format']);
  });

  it('generates the lowest free code in the range the kind allows', () => {
    expect(nextCode({ rule: 'admin9', kind: 'town', parentCode: '330523' }, ['330523100', '330523101'])).toBe(
      '330523102',
    );
    expect(nextCode({ rule: 'admin9', kind: 'street', parentCode: '330523' }, [])).toBe('330523001');
    expect(nextCode({ rule: 'admin9', kind: 'township', parentCode: '330523' }, ['330523200'])).toBe(
      '330523201',
    );
    expect(nextCode({ rule: 'admin12', kind: 'village', parentCode: '330523103' }, [])).toBe('330523103200');
    expect(
      nextCode({ rule: 'grid', kind: 'base_grid', parentCode: '330523001002' }, ['33052300100201']),
    ).toBe('33052300100202');
    expect(nextCode({ rule: 'grid', kind: 'base_grid', parentCode: '330523001002', gridDigits: 3 }, [])).toBe(
      '330523001002001',
    );
    expect(nextCode({ rule: 'free', kind: 'team', parentCode: 'X' }, [])).toBeNull();
    const full = Array.from({ length: 99 }, (_, i) => `330523${String(i + 1).padStart(3, '0')}`);
    expect(nextCode({ rule: 'admin9', kind: 'street', parentCode: '330523' }, full)).toBeNull();
  });

  it('every generated code passes the check', () => {
    for (const [rule, kind, parentCode] of [
      ['admin9', 'town', '330523'],
      ['admin12', 'community', '330523001'],
      ['grid', 'base_grid', '330523001002'],
      ['seq3', 'building', '33052300100201'],
    ] as const) {
      const code = nextCode({ rule, kind, parentCode }, [])!;
      expect(checkCode(code, { rule, kind, parentCode })).toEqual([]);
    }
  });
});
