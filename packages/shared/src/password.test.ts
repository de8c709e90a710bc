import { describe, expect, it } from 'vitest';
import { characterClasses, DEFAULT_PASSWORD_POLICY, passwordViolations } from './password.ts';

describe('password policy', () => {
  const policy = DEFAULT_PASSWORD_POLICY;
  it('counts character classes', () => {
    expect(characterClasses('abc')).toBe(1);
    expect(characterClasses('abcD1!')).toBe(4);
  });
  it('accepts a long password with three classes', () => {
    expect(passwordViolations('Grid-keeper7', policy, 'zhang')).toEqual([]);
  });
  it('names every rule a password breaks', () => {
    expect(passwordViolations('short', policy)).toEqual(['length', 'classes']);
    expect(passwordViolations('zhangsan-Pass1', policy, 'zhangsan')).toEqual(['contains_username']);
    expect(passwordViolations('has space Pass1', policy)).toEqual(['whitespace']);
  });
  it('follows a stricter configured policy', () => {
    expect(passwordViolations('Grid-keeper7', { ...policy, minLength: 16 })).toEqual(['length']);
    expect(passwordViolations('gridkeeper77', { ...policy, minClasses: 2 })).toEqual([]);
  });
});
