/**
 * The closed set of error codes the API returns, each with its HTTP status and a user-facing
 * message in Chinese (primary) and English. The server throws `AppError(code)`; the web client
 * shows `message` (already localised by the server in zh-CN) or looks the code up here.
 */
export const ERRORS = {
  VALIDATION_FAILED: { status: 400, zh: '提交的数据有误，请检查标出的字段', en: 'Some fields are invalid' },
  BAD_REQUEST: { status: 400, zh: '请求格式不正确', en: 'Malformed request' },
  UNAUTHENTICATED: { status: 401, zh: '请先登录', en: 'Please log in' },
  SESSION_EXPIRED: { status: 401, zh: '登录已超时，请重新登录', en: 'Your session has expired' },
  INVALID_CREDENTIALS: { status: 401, zh: '用户名或密码错误', en: 'Wrong user name or password' },
  ACCOUNT_LOCKED: {
    status: 423,
    zh: '连续登录失败次数过多，账号已被锁定，请稍后再试或联系安全管理员',
    en: 'Too many failed logins; the account is locked',
  },
  ACCOUNT_DISABLED: { status: 403, zh: '账号已停用', en: 'This account is disabled' },
  PASSWORD_CHANGE_REQUIRED: {
    status: 403,
    zh: '请先修改初始密码或已过期的密码',
    en: 'You must change your password first',
  },
  PASSWORD_POLICY: {
    status: 400,
    zh: '新密码不符合密码策略',
    en: 'The new password does not meet the policy',
  },
  PASSWORD_REUSED: {
    status: 400,
    zh: '新密码不能与最近使用过的密码相同',
    en: 'The password was used recently',
  },
  WRONG_PASSWORD: { status: 400, zh: '当前密码不正确', en: 'The current password is wrong' },
  FORBIDDEN: { status: 403, zh: '没有执行此操作的权限', en: 'You are not allowed to do this' },
  OUT_OF_SCOPE: { status: 403, zh: '该数据不在您的管辖范围内', en: 'This record is outside your data scope' },
  ADMIN_ROLES_EXCLUSIVE: {
    status: 400,
    zh: '系统管理员、安全管理员、审计管理员三种职责不能由同一账号兼任',
    en: 'System, security and audit administration cannot be combined in one account',
  },
  ADMIN_PERSONAL_DATA: {
    status: 403,
    zh: '管理员（系统、安全、审计管理员）的个人信息仅限本人和安全管理员查看或导出',
    en: "An administrator's personal data is shown or exported only to themselves and the security administrator",
  },
  SELF_CHANGE_FORBIDDEN: {
    status: 403,
    zh: '不能修改自己的角色、数据范围或状态',
    en: 'You cannot change your own roles, scope or status',
  },
  BUILTIN_ROLE: { status: 400, zh: '内置角色不能修改或删除', en: 'Built-in roles cannot be changed' },
  ROLE_IN_USE: { status: 409, zh: '角色仍有用户在用，不能删除', en: 'The role is still assigned to users' },
  NOT_FOUND: { status: 404, zh: '记录不存在', en: 'Not found' },
  GRID_CLOSED: { status: 409, zh: '该网格已撤销，不能再修改', en: 'This grid has been closed' },
  GRID_HAS_CHILDREN: {
    status: 409,
    zh: '该网格仍有下级网格，请先调整或一并撤销下级',
    en: 'The grid still has children; move or close them first',
  },
  PDF_FONT_MISSING: {
    status: 503,
    zh: '服务器缺少中文字体，无法生成 PDF：请安装 fonts-noto-cjk，或用 WANGGE_PDF_FONT 指定字体文件',
    en: 'No CJK font on the server: install fonts-noto-cjk or set WANGGE_PDF_FONT',
  },
  JOB_RUNNING: {
    status: 409,
    zh: '同类任务正在进行中，请等待完成',
    en: 'A job of this kind is already running',
  },
  CASE_STATE: {
    status: 409,
    zh: '事件当前状态不允许此操作，可能已被他人处理，请刷新后重试',
    en: 'The case is not in a state that allows this; someone may have acted on it already',
  },
  CASE_NOT_ASSIGNED_TO_YOU: {
    status: 403,
    zh: '该事件未分派给您所在的部门',
    en: 'This case is not assigned to your department',
  },
  NO_GRID_FOR_LOCATION: {
    status: 400,
    zh: '该位置不在任何网格内，请重新选择位置或网格',
    en: 'The location lies in no grid; pick another place or a grid',
  },
  LOCATION_OUTSIDE_GRID: {
    status: 400,
    zh: '所选位置不在所选网格内，请重新选择位置，或不选网格由位置确定',
    en: 'The location lies outside the chosen grid; pick the place again, or leave the grid to the location',
  },
  INVALID_UPLOAD: { status: 400, zh: '上传的文件类型或大小不符合要求', en: 'Invalid upload' },
  API_KEY_INVALID: { status: 403, zh: '接口密钥无效或已停用', en: 'Invalid or revoked API key' },
  CONFLICT: { status: 409, zh: '数据已被修改或已存在，请刷新后重试', en: 'Conflict with existing data' },
  USERNAME_TAKEN: { status: 409, zh: '用户名已被使用', en: 'This user name is taken' },
  RATE_LIMITED: { status: 429, zh: '请求过于频繁，请稍后再试', en: 'Too many requests, try again later' },
  PAYLOAD_TOO_LARGE: { status: 413, zh: '提交的内容过大', en: 'The request body is too large' },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, zh: '不支持的内容类型', en: 'Unsupported content type' },
  INTERNAL: { status: 500, zh: '服务器内部错误，请联系管理员', en: 'Internal server error' },
} as const satisfies Record<string, { status: number; zh: string; en: string }>;

export type ErrorCode = keyof typeof ERRORS;

/** Per-field messages, keyed by a JSON-pointer-like path (`password`, `roles/0`). */
export type ErrorFields = Record<string, string>;

export interface ErrorBody {
  error: { code: ErrorCode; message: string; fields?: ErrorFields };
}
