/**
 * The results an audit entry records. The names of actions and of target kinds are declared by
 * the server's modules (each module names what it writes) and come with the entries.
 */
export const AUDIT_RESULTS = {
  success: { zh: '成功', en: 'Success' },
  failure: { zh: '失败', en: 'Failure' },
  denied: { zh: '拒绝', en: 'Denied' },
} as const;

export type AuditResult = keyof typeof AUDIT_RESULTS;
