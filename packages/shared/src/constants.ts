/** Limits shared by the server's schemas and the web client's forms. */
export const LIMITS = {
  usernameMin: 3,
  usernameMax: 32,
  displayNameMax: 40,
  roleNameMax: 40,
  passwordInputMax: 256,
  pageSizeDefault: 20,
  pageSizeMax: 200,
  pageMax: 100_000,
  searchMax: 100,
  noteMax: 500,
  gridNameMax: 60,
  scopeNodesMax: 200,
} as const;

export const USERNAME_PATTERN = '^[A-Za-z0-9_.-]+$';

/** Languages the UI ships. The server's error messages are Chinese; the client may translate by code. */
export const LANGUAGES = ['zh-CN', 'en-US'] as const;
export type Language = (typeof LANGUAGES)[number];

export const SESSION_COOKIE = 'wg_sid';
