import { PERMISSIONS } from '@wangge/shared';
import { describe, expect, it } from 'vitest';
import { KERNEL_PERMISSIONS, MODULES } from './app.ts';

describe('module declarations', () => {
  it('give every permission exactly one owner: the kernel or one module', () => {
    const owners = new Map<string, string[]>();
    const own = (permission: string, owner: string) =>
      owners.set(permission, [...(owners.get(permission) ?? []), owner]);
    for (const p of KERNEL_PERMISSIONS) own(p, 'kernel');
    for (const m of MODULES) for (const p of m.permissions) own(p, m.name);
    for (const p of Object.keys(PERMISSIONS)) expect(owners.get(p), p).toHaveLength(1);
    // And nothing is owned that is not declared.
    for (const p of owners.keys()) expect(Object.keys(PERMISSIONS), p).toContain(p);
  });

  it('have unique names', () => {
    const names = MODULES.map((m) => m.name);
    expect(new Set(names).size).toBe(names.length);
  });
});
