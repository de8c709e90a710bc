import {
  CreateUserBody,
  IdParam,
  Page,
  ResetPasswordBody,
  RevealedPhone,
  RevealBody,
  SetRolesBody,
  SetScopesBody,
  UpdateUserBody,
  UserListQuery,
  UserSummary,
} from '@wangge/shared';
import { Type } from 'typebox';
import { actorOf, principalOf, type App } from '../../core/http/context.ts';
import { withErrors } from '../../core/http/responses.ts';
import { UserService } from './user.service.ts';

export async function userRoutes(app: App): Promise<void> {
  const users = new UserService(app.ctx.db, app.ctx.personal, app.ctx.auth);
  const tags = ['users'];

  app.get(
    '/api/users',
    {
      schema: {
        tags,
        summary: '用户列表（仅限管辖范围）',
        querystring: UserListQuery,
        response: withErrors({ 200: Page(UserSummary) }),
      },
      config: { permissions: ['user.read', 'user.grant'] },
    },
    async (request) => users.list(principalOf(request), request.query),
  );

  app.get(
    '/api/users/:id',
    {
      schema: { tags, summary: '用户详情', params: IdParam, response: withErrors({ 200: UserSummary }) },
      config: { permissions: ['user.read', 'user.grant'] },
    },
    async (request) => users.get(principalOf(request), request.params.id),
  );

  app.post(
    '/api/users',
    {
      schema: {
        tags,
        summary: '新建用户（首次登录须改密）',
        body: CreateUserBody,
        response: withErrors({ 201: UserSummary }),
      },
      config: { permissions: ['user.write'] },
    },
    async (request, reply) =>
      reply.status(201).send(await users.create(principalOf(request), actorOf(request), request.body)),
  );

  app.patch(
    '/api/users/:id',
    {
      schema: {
        tags,
        summary: '修改用户',
        params: IdParam,
        body: UpdateUserBody,
        response: withErrors({ 200: UserSummary }),
      },
      config: { permissions: ['user.write'] },
    },
    async (request) => users.update(principalOf(request), actorOf(request), request.params.id, request.body),
  );

  app.post(
    '/api/users/:id/reset-password',
    {
      schema: {
        tags,
        summary: '重置密码',
        params: IdParam,
        body: ResetPasswordBody,
        response: withErrors({ 204: Type.Null() }),
      },
      config: { permissions: ['user.reset_password'] },
    },
    async (request, reply) => {
      await users.resetPassword(
        principalOf(request),
        actorOf(request),
        request.params.id,
        request.body.password,
      );
      return reply.status(204).send(null);
    },
  );

  app.put(
    '/api/users/:id/roles',
    {
      schema: {
        tags,
        summary: '分配角色',
        params: IdParam,
        body: SetRolesBody,
        response: withErrors({ 200: UserSummary }),
      },
      config: { permissions: ['user.grant'] },
    },
    async (request) =>
      users.setRoles(principalOf(request), actorOf(request), request.params.id, request.body.roles),
  );

  app.put(
    '/api/users/:id/scopes',
    {
      schema: {
        tags,
        summary: '分配数据范围（网格子树）',
        params: IdParam,
        body: SetScopesBody,
        response: withErrors({ 200: UserSummary }),
      },
      config: { permissions: ['user.grant'] },
    },
    async (request) =>
      users.setScopes(principalOf(request), actorOf(request), request.params.id, request.body.gridIds),
  );

  app.post(
    '/api/users/:id/unlock',
    {
      schema: { tags, summary: '解锁账号', params: IdParam, response: withErrors({ 200: UserSummary }) },
      config: { permissions: ['user.unlock'] },
    },
    async (request) => users.unlock(principalOf(request), actorOf(request), request.params.id),
  );

  app.post(
    '/api/users/:id/reveal-phone',
    {
      schema: {
        tags,
        summary: '查看完整手机号（记入审计；管理员的仅限本人和安全管理员）',
        params: IdParam,
        body: RevealBody,
        response: withErrors({ 200: RevealedPhone }),
      },
      // The security administrator (user.grant) reaches it for the administrators' phones only.
      config: { permissions: ['user.phone.reveal', 'user.grant'] },
    },
    async (request) => ({
      phone: await users.revealPhone(
        principalOf(request),
        actorOf(request),
        request.params.id,
        request.body?.reason,
      ),
    }),
  );
}
