import { describe, expect, it } from 'vitest';
import { ADMIN_ROLE_KEYS, adminDutiesOf, BUILTIN_ROLES, PERMISSION_KEYS } from './permissions.ts';

describe('separation of the three administrators', () => {
  it('each admin role holds exactly one duty, and all three differ', () => {
    const duties = ADMIN_ROLE_KEYS.map((k) => adminDutiesOf(BUILTIN_ROLES[k].permissions));
    expect(duties).toEqual([['system'], ['security'], ['audit']]);
  });
  it('any two admin roles together span two duties', () => {
    for (const a of ADMIN_ROLE_KEYS) {
      for (const b of ADMIN_ROLE_KEYS) {
        if (a === b) continue;
        expect(
          adminDutiesOf([...BUILTIN_ROLES[a].permissions, ...BUILTIN_ROLES[b].permissions]),
        ).toHaveLength(2);
      }
    }
  });
  it('built-in roles only use declared permissions', () => {
    for (const role of Object.values(BUILTIN_ROLES))
      for (const p of role.permissions) expect(PERMISSION_KEYS).toContain(p);
  });
  it('ignores unknown permission names', () => {
    expect(adminDutiesOf(['nope', 'grid.read'])).toEqual([]);
  });
});
