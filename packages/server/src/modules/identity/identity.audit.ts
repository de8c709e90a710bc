import type { AuditVocabulary } from '../../core/audit/audit.vocabulary.ts';
import { rowsFor } from '../../core/audit/audit.vocabulary.ts';

/** What the identity module writes into the audit log, named: sign-ins, accounts, roles, policy. */
export const identityAudit: AuditVocabulary = {
  actions: {
    'auth.success': { zh: '登录成功', en: 'Logged in' },
    'auth.failure': { zh: '登录失败', en: 'Login failed' },
    'auth.locked': { zh: '账号锁定', en: 'Account locked' },
    'auth.disabled': { zh: '停用账号尝试登录', en: 'Disabled account tried to log in' },
    'auth.logout': { zh: '退出登录', en: 'Logged out' },
    'auth.timeout': { zh: '会话超时', en: 'Session timed out' },
    'auth.rate_limited': { zh: '登录频率超限', en: 'Login rate limited' },
    'auth.password.change': { zh: '修改本人密码', en: 'Changed own password' },
    'access.denied': { zh: '越权访问被拒绝', en: 'Access denied' },
    'user.create': { zh: '新建用户', en: 'Created a user' },
    'user.update': { zh: '修改用户', en: 'Changed a user' },
    'user.password.reset': { zh: '重置密码', en: 'Reset a password' },
    'user.roles.set': { zh: '分配角色', en: 'Set roles' },
    'user.scopes.set': { zh: '分配数据范围', en: 'Set data scope' },
    'user.unlock': { zh: '解锁账号', en: 'Unlocked an account' },
    'role.create': { zh: '新建角色', en: 'Created a role' },
    'role.update': { zh: '修改角色', en: 'Changed a role' },
    'role.delete': { zh: '删除角色', en: 'Deleted a role' },
    'settings.security.update': { zh: '修改安全策略', en: 'Changed the security policy' },
  },
  targets: {
    user: {
      label: { zh: '用户', en: 'User' },
      describe: async (ids, ctx) => {
        const rows = await rowsFor(ids, (numbers) =>
          ctx.db
            .selectFrom('app_user')
            .select(['id', 'username', 'display_name'])
            .where('id', 'in', numbers)
            .execute(),
        );
        return new Map(
          rows.map((r) => [
            String(r.id),
            {
              name: r.display_name === r.username ? r.username : `${r.display_name}（${r.username}）`,
              link: `/admin/users?q=${encodeURIComponent(r.username)}`,
            },
          ]),
        );
      },
    },
    role: {
      label: { zh: '角色', en: 'Role' },
      describe: async (ids, ctx) => {
        const rows = await ctx.db
          .selectFrom('role')
          .select(['key', 'name', 'name_en'])
          .where('key', 'in', [...ids])
          .execute();
        return new Map(
          rows.map((r) => [r.key, { name: r.name, nameEn: r.name_en || null, link: '/admin/roles' }]),
        );
      },
    },
    route: {
      label: { zh: '接口', en: 'API route' },
      describe: async (ids) => new Map(ids.map((id) => [id, { name: id }])),
    },
  },
};
