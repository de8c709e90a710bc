import { Type, type Static } from 'typebox';
import { PageQuery } from './common.ts';

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()]);
const DateTime = () => Type.String({ format: 'date-time' });

/** Longest name of an open-API key (a label for the system that uses it). */
export const API_KEY_NAME_MAX = 60;

/** An open-API key as the administrators see it: never the secret, only its first characters. */
export const ApiKey = Type.Object({
  id: Type.Integer(),
  name: Type.String(),
  /** The first characters of the secret, to tell keys apart. */
  prefix: Type.String(),
  active: Type.Boolean(),
  createdAt: DateTime(),
  createdBy: Nullable(Type.String()),
  revokedAt: Nullable(DateTime()),
  lastUsedAt: Nullable(DateTime()),
});
export type ApiKey = Static<typeof ApiKey>;

/** The answer to creating a key: the only time the secret is shown. */
export const ApiKeyCreated = Type.Object({
  key: ApiKey,
  secret: Type.String({ description: '密钥明文，仅在创建时显示一次' }),
});
export type ApiKeyCreated = Static<typeof ApiKeyCreated>;

export const ApiKeyBody = Type.Object({
  name: Type.String({ minLength: 1, maxLength: API_KEY_NAME_MAX, pattern: '\\S' }),
});
export type ApiKeyBody = Static<typeof ApiKeyBody>;

export const ApiKeyQuery = Type.Intersect([
  PageQuery,
  Type.Object({
    /** true: in use only; false: revoked only; absent: all. */
    active: Type.Optional(Type.Boolean()),
  }),
]);
export type ApiKeyQuery = Static<typeof ApiKeyQuery>;
