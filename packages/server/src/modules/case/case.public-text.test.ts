import { describe, expect, it } from 'vitest';
import { excerpt, maskName, publicText } from './case.public-text.ts';

describe('publicText: staff texts made safe for the public', () => {
  it.each([
    ['联系人电话13812345678', '联系人电话138****5678'],
    ['电话 138 1234 5678。', '电话 138****5678。'],
    ['请拨+86 138-1234-5678', '请拨138****5678'],
    ['值班电话0572-5123456', '值班电话0572-*****56'],
    ['值班电话（0572）5123456转8001', '值班电话0572-*****56'],
    ['上海021-62345678', '上海021-******78'],
    ['办公室 0572 512 3456', '办公室 0572-*****56'],
    ['身份证330523199001011234', '身份证330523********1234'],
    ['身份证33052319900101123x已核对', '身份证330523********123X已核对'],
  ])('%s', (input, output) => {
    expect(publicText(input)).toBe(output);
  });

  it('leaves dates, times, amounts, long numbers and hotlines alone', () => {
    for (const s of [
      '2026-12-08 08:00 到 12:00 清运',
      '罚款 2000 元',
      '订单号 0123456789012',
      '工单 138123456789（13 位）',
      '拨打 12345 热线',
    ])
      expect(publicText(s)).toBe(s);
  });

  it('masks the names given, the longest first, however often they appear', () => {
    expect(publicText('网格员张三和张三丰到场，张三已拍照', ['张三', '张三丰', '李'])).toBe(
      '网格员张*和张**到场，张*已拍照',
    );
    expect(publicText('由执法队员欧阳娜娜处理', ['欧阳娜娜'])).toBe('由执法队员欧***处理');
  });

  it('masks names, mobiles and landlines in one text', () => {
    const text = '已由王建国（13900000001）现场处理，如有问题请联系0572-5123456';
    const safe = publicText(text, ['王建国']);
    expect(safe).toBe('已由王**（139****0001）现场处理，如有问题请联系0572-*****56');
    expect(safe).not.toMatch(/\d{7,}/);
  });

  it('masks names and shortens excerpts by code points', () => {
    expect(maskName('李四')).toBe('李*');
    expect(excerpt('😀'.repeat(5), 3)).toBe('😀😀😀…');
    expect(excerpt('  小区\n门口  ', 10)).toBe('小区 门口');
  });
});
