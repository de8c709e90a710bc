import type { Permission, RoleRef, ScopeRef } from '@wangge/shared';

/** The authenticated user of a request, with everything authorisation needs. */
export interface Principal {
  userId: number;
  username: string;
  displayName: string;
  isDemo: boolean;
  roles: RoleRef[];
  permissions: ReadonlySet<Permission>;
  scopes: ScopeRef[];
  scopePaths: string[];
}
