import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
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

  it('keep their permissions out of the kernel: core/ names none of them', () => {
    const core = path.join(path.dirname(fileURLToPath(import.meta.url)), 'core');
    const owned = MODULES.flatMap((m) => m.permissions);
    const named = fs
      .readdirSync(core, { recursive: true, encoding: 'utf8' })
      .filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'))
      .flatMap((f) => {
        const text = fs.readFileSync(path.join(core, f), 'utf8');
        return owned.filter((p) => text.includes(`'${p}'`)).map((p) => `${f}: ${p}`);
      });
    expect(named).toEqual([]);
  });
});
