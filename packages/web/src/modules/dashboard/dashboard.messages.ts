/** The dashboard module's UI strings: Chinese first, every key in both languages. */
export const zh = {
  'home.welcome': '欢迎，{name}',
  'home.roles': '角色',
  'home.scope': '管辖范围',
  'home.noScope': '无（不涉及业务数据）',
  'home.gridCounts': '管辖范围内的网格',
  'home.users': '用户数',
  'home.passwordExpires': '密码到期',
  'home.demoAccount': '演示账号',
} as const;

export const en: Record<keyof typeof zh, string> = {
  'home.welcome': 'Welcome, {name}',
  'home.roles': 'Roles',
  'home.scope': 'Data scope',
  'home.noScope': 'None (no business data)',
  'home.gridCounts': 'Grids in your scope',
  'home.users': 'Users',
  'home.passwordExpires': 'Password expires',
  'home.demoAccount': 'Demo account',
};
