import { Type, type Static } from 'typebox';
import { LIMITS } from '../constants.ts';
import { Int } from './numbers.ts';

export const LoginBody = Type.Object({
  username: Type.String({ minLength: 1, maxLength: LIMITS.usernameMax }),
  password: Type.String({ minLength: 1, maxLength: LIMITS.passwordInputMax }),
});
export type LoginBody = Static<typeof LoginBody>;

export const RoleRef = Type.Object({ key: Type.String(), name: Type.String(), nameEn: Type.String() });
export type RoleRef = Static<typeof RoleRef>;

export const ScopeRef = Type.Object({
  id: Type.Integer(),
  name: Type.String(),
  code: Type.Union([Type.String(), Type.Null()]),
  kind: Type.String(),
  depth: Type.Integer(),
});
export type ScopeRef = Static<typeof ScopeRef>;

export const Me = Type.Object({
  id: Type.Integer(),
  username: Type.String(),
  displayName: Type.String(),
  roles: Type.Array(RoleRef),
  permissions: Type.Array(Type.String()),
  scopes: Type.Array(ScopeRef),
  mustChangePassword: Type.Boolean(),
  passwordChangeReason: Type.Union([Type.Literal('initial'), Type.Literal('expired'), Type.Null()]),
  passwordExpiresAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  idleTimeoutMinutes: Type.Integer(),
  isDemo: Type.Boolean(),
});
export type Me = Static<typeof Me>;

export const ChangePasswordBody = Type.Object({
  currentPassword: Type.String({ minLength: 1, maxLength: LIMITS.passwordInputMax }),
  newPassword: Type.String({ minLength: 1, maxLength: LIMITS.passwordInputMax }),
});
export type ChangePasswordBody = Static<typeof ChangePasswordBody>;

export const PasswordPolicySchema = Type.Object({
  minLength: Int(8, 64),
  minClasses: Int(1, 4),
  expiryDays: Int(0, 3650),
  historyCount: Int(0, 24),
});

export const SecuritySettings = Type.Object({
  passwordPolicy: PasswordPolicySchema,
  lockThreshold: Int(3, 20),
  lockMinutes: Int(1, 1440),
  idleMinutes: Int(5, 480),
});
export type SecuritySettings = Static<typeof SecuritySettings>;
