import { Type, type Static } from 'typebox';
import { LIMITS, USERNAME_PATTERN } from '../constants.ts';
import { RoleRef, ScopeRef } from './auth.ts';
import { PageQuery } from './common.ts';
import { Id } from './numbers.ts';

export const UserStatus = Type.Union([Type.Literal('active'), Type.Literal('disabled')]);
export type UserStatus = Static<typeof UserStatus>;

export const UserSummary = Type.Object({
  id: Type.Integer(),
  username: Type.String(),
  displayName: Type.String(),
  phoneMasked: Type.Union([Type.String(), Type.Null()]),
  /** Work e-mail for notifications. */
  email: Type.Union([Type.String(), Type.Null()]),
  status: UserStatus,
  locked: Type.Boolean(),
  mustChangePassword: Type.Boolean(),
  isDemo: Type.Boolean(),
  roles: Type.Array(RoleRef),
  scopes: Type.Array(ScopeRef),
  lastLoginAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  createdAt: Type.String({ format: 'date-time' }),
});
export type UserSummary = Static<typeof UserSummary>;

export const UserListQuery = Type.Intersect([
  PageQuery,
  Type.Object({
    q: Type.Optional(Type.String({ maxLength: LIMITS.searchMax })),
    status: Type.Optional(UserStatus),
    role: Type.Optional(Type.String({ maxLength: 40 })),
  }),
]);
export type UserListQuery = Static<typeof UserListQuery>;

export const CreateUserBody = Type.Object({
  username: Type.String({
    minLength: LIMITS.usernameMin,
    maxLength: LIMITS.usernameMax,
    pattern: USERNAME_PATTERN,
  }),
  displayName: Type.String({ minLength: 1, maxLength: LIMITS.displayNameMax }),
  phone: Type.Optional(Type.Union([Type.String({ maxLength: 20 }), Type.Null()])),
  email: Type.Optional(Type.Union([Type.String({ maxLength: 254 }), Type.Null()])),
  password: Type.String({ minLength: 1, maxLength: LIMITS.passwordInputMax }),
});
export type CreateUserBody = Static<typeof CreateUserBody>;

export const UpdateUserBody = Type.Object(
  {
    displayName: Type.Optional(Type.String({ minLength: 1, maxLength: LIMITS.displayNameMax })),
    phone: Type.Optional(Type.Union([Type.String({ maxLength: 20 }), Type.Null()])),
    email: Type.Optional(Type.Union([Type.String({ maxLength: 254 }), Type.Null()])),
    status: Type.Optional(UserStatus),
  },
  { minProperties: 1 },
);
export type UpdateUserBody = Static<typeof UpdateUserBody>;

export const ResetPasswordBody = Type.Object({
  password: Type.String({ minLength: 1, maxLength: LIMITS.passwordInputMax }),
});

export const SetRolesBody = Type.Object({
  roles: Type.Array(Type.String({ minLength: 1, maxLength: 40 }), { maxItems: 20, uniqueItems: true }),
});
export type SetRolesBody = Static<typeof SetRolesBody>;

export const SetScopesBody = Type.Object({
  gridIds: Type.Array(Id(), { maxItems: LIMITS.scopeNodesMax, uniqueItems: true }),
});
export type SetScopesBody = Static<typeof SetScopesBody>;

export const RevealedPhone = Type.Object({ phone: Type.Union([Type.String(), Type.Null()]) });

/**
 * Why personal data is shown in full (optional; kept in the audit entry of the reveal). The body
 * itself may be left out.
 */
export const RevealBody = Type.Union([
  Type.Object({ reason: Type.Optional(Type.String({ maxLength: LIMITS.noteMax })) }),
  Type.Null(),
]);
export type RevealBody = Static<typeof RevealBody>;

export const Role = Type.Object({
  key: Type.String(),
  name: Type.String(),
  nameEn: Type.String(),
  builtin: Type.Boolean(),
  editable: Type.Boolean(),
  permissions: Type.Array(Type.String()),
  userCount: Type.Integer(),
});
export type Role = Static<typeof Role>;

export const RoleKeyParam = Type.Object({
  key: Type.String({ minLength: 2, maxLength: 40, pattern: '^[a-z][a-z0-9_]+$' }),
});

export const CreateRoleBody = Type.Object({
  key: Type.String({ minLength: 2, maxLength: 40, pattern: '^[a-z][a-z0-9_]+$' }),
  name: Type.String({ minLength: 1, maxLength: LIMITS.roleNameMax }),
  nameEn: Type.Optional(Type.String({ maxLength: LIMITS.roleNameMax })),
  permissions: Type.Array(Type.String({ maxLength: 60 }), { maxItems: 100, uniqueItems: true }),
});
export type CreateRoleBody = Static<typeof CreateRoleBody>;

export const UpdateRoleBody = Type.Object(
  {
    name: Type.Optional(Type.String({ minLength: 1, maxLength: LIMITS.roleNameMax })),
    nameEn: Type.Optional(Type.String({ maxLength: LIMITS.roleNameMax })),
    permissions: Type.Optional(
      Type.Array(Type.String({ maxLength: 60 }), { maxItems: 100, uniqueItems: true }),
    ),
  },
  { minProperties: 1 },
);
export type UpdateRoleBody = Static<typeof UpdateRoleBody>;

export const PermissionInfo = Type.Object({
  key: Type.String(),
  name: Type.String(),
  nameEn: Type.String(),
  duty: Type.Union([Type.Literal('system'), Type.Literal('security'), Type.Literal('audit'), Type.Null()]),
});

/** A name in both languages (an audit action, a kind of target). */
export const Bilingual = Type.Object({ zh: Type.String(), en: Type.String() });
export type Bilingual = Static<typeof Bilingual>;

export const AuditResultSchema = Type.Union([
  Type.Literal('success'),
  Type.Literal('failure'),
  Type.Literal('denied'),
]);

/** What an entry was about, named: the kind, the name of the thing and its page in the web app. */
export const AuditTarget = Type.Object({
  type: Type.String(),
  /** The kind's name (用户, 事件 …); null for a kind no module declares. */
  typeLabel: Type.Union([Bilingual, Type.Null()]),
  id: Type.Union([Type.String(), Type.Null()]),
  /** The target's name (user name, case number, grid name …); null when it cannot be named. */
  name: Type.Union([Type.String(), Type.Null()]),
  /** The name in English where it has one (roles, settings); else `name`. */
  nameEn: Type.Union([Type.String(), Type.Null()]),
  /** Path of the target's page in the web app, where it has one. */
  link: Type.Union([Type.String(), Type.Null()]),
});
export type AuditTarget = Static<typeof AuditTarget>;

export const AuditEntry = Type.Object({
  seq: Type.Integer(),
  at: Type.String({ format: 'date-time' }),
  actorId: Type.Union([Type.Integer(), Type.Null()]),
  actorName: Type.String(),
  ip: Type.Union([Type.String(), Type.Null()]),
  userAgent: Type.Union([Type.String(), Type.Null()]),
  action: Type.String(),
  /** The action's name; null for an action no module declares (shown by its code). */
  actionLabel: Type.Union([Bilingual, Type.Null()]),
  targetType: Type.Union([Type.String(), Type.Null()]),
  targetId: Type.Union([Type.String(), Type.Null()]),
  target: Type.Union([AuditTarget, Type.Null()]),
  before: Type.Unknown(),
  after: Type.Unknown(),
  result: Type.String(),
  hash: Type.String(),
});
export type AuditEntry = Static<typeof AuditEntry>;

const AUDIT_KEY = '^[a-z][a-z0-9_.]*$';

/** The log's filters (of the list and of the export). */
export const AuditFilters = Type.Object({
  /** Part of the actor's user name. */
  actor: Type.Optional(Type.String({ maxLength: LIMITS.searchMax })),
  /** One action, by its code. */
  action: Type.Optional(Type.String({ maxLength: 60, pattern: AUDIT_KEY })),
  /** One kind of target. */
  targetType: Type.Optional(Type.String({ maxLength: 60, pattern: AUDIT_KEY })),
  result: Type.Optional(AuditResultSchema),
  /** First and last day (in the deployment's time zone), both included. */
  from: Type.Optional(Type.String({ format: 'date' })),
  to: Type.Optional(Type.String({ format: 'date' })),
});
export type AuditFilters = Static<typeof AuditFilters>;

export const AuditQuery = Type.Intersect([PageQuery, AuditFilters]);
export type AuditQuery = Static<typeof AuditQuery>;

/** The actions and kinds of target the modules declare, for the log's filters. */
export const AuditVocabularyInfo = Type.Object({
  actions: Type.Array(Type.Object({ key: Type.String(), zh: Type.String(), en: Type.String() })),
  targets: Type.Array(Type.Object({ type: Type.String(), zh: Type.String(), en: Type.String() })),
});
export type AuditVocabularyInfo = Static<typeof AuditVocabularyInfo>;

export const AuditVerifyResult = Type.Object({
  ok: Type.Boolean(),
  checked: Type.Integer(),
  firstSeq: Type.Union([Type.Integer(), Type.Null()]),
  lastSeq: Type.Union([Type.Integer(), Type.Null()]),
  brokenAt: Type.Union([Type.Integer(), Type.Null()]),
  reason: Type.Union([Type.String(), Type.Null()]),
});
export type AuditVerifyResult = Static<typeof AuditVerifyResult>;

export const LoginResult = Type.Union([
  Type.Literal('success'),
  Type.Literal('failure'),
  Type.Literal('locked'),
  Type.Literal('disabled'),
  Type.Literal('logout'),
  Type.Literal('timeout'),
  Type.Literal('rate_limited'),
]);
export type LoginResult = Static<typeof LoginResult>;

export const LoginLogEntry = Type.Object({
  id: Type.Integer(),
  at: Type.String({ format: 'date-time' }),
  username: Type.String(),
  userId: Type.Union([Type.Integer(), Type.Null()]),
  ip: Type.Union([Type.String(), Type.Null()]),
  userAgent: Type.Union([Type.String(), Type.Null()]),
  result: LoginResult,
  reason: Type.Union([Type.String(), Type.Null()]),
});
export type LoginLogEntry = Static<typeof LoginLogEntry>;

export const LoginLogQuery = Type.Intersect([
  PageQuery,
  Type.Object({
    username: Type.Optional(Type.String({ maxLength: LIMITS.searchMax })),
    result: Type.Optional(LoginResult),
  }),
]);
export type LoginLogQuery = Static<typeof LoginLogQuery>;
