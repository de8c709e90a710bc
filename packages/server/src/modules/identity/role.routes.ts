import {
  CreateRoleBody,
  PERMISSIONS,
  PermissionInfo,
  Role,
  RoleKeyParam,
  UpdateRoleBody,
  type Permission,
} from '@wangge/shared';
import { Type } from 'typebox';
import { actorOf, type App } from '../../core/http/context.ts';
import { withErrors } from '../../core/http/responses.ts';
import { RoleService } from './role.service.ts';

export async function roleRoutes(app: App): Promise<void> {
  const roles = new RoleService(app.ctx.db);
  const tags = ['roles'];

  app.get(
    '/api/roles',
    {
      schema: { tags, summary: '角色列表', response: withErrors({ 200: Type.Array(Role) }) },
      config: { permissions: ['role.read', 'user.grant', 'user.read'] },
    },
    async () => roles.list(),
  );

  app.get(
    '/api/permissions',
    {
      schema: { tags, summary: '功能权限目录', response: withErrors({ 200: Type.Array(PermissionInfo) }) },
      config: { permissions: ['role.read'] },
    },
    async () =>
      (Object.keys(PERMISSIONS) as Permission[]).map((key) => ({
        key,
        name: PERMISSIONS[key].zh,
        nameEn: PERMISSIONS[key].en,
        duty: PERMISSIONS[key].duty,
      })),
  );

  app.post(
    '/api/roles',
    {
      schema: { tags, summary: '新建角色', body: CreateRoleBody, response: withErrors({ 201: Role }) },
      config: { permissions: ['role.write'] },
    },
    async (request, reply) => reply.status(201).send(await roles.create(actorOf(request), request.body)),
  );

  app.patch(
    '/api/roles/:key',
    {
      schema: {
        tags,
        summary: '修改角色',
        params: RoleKeyParam,
        body: UpdateRoleBody,
        response: withErrors({ 200: Role }),
      },
      config: { permissions: ['role.write'] },
    },
    async (request) => roles.update(actorOf(request), request.params.key, request.body),
  );

  app.delete(
    '/api/roles/:key',
    {
      schema: { tags, summary: '删除角色', params: RoleKeyParam, response: withErrors({ 204: Type.Null() }) },
      config: { permissions: ['role.write'] },
    },
    async (request, reply) => {
      await roles.remove(actorOf(request), request.params.key);
      return reply.status(204).send(null);
    },
  );
}
