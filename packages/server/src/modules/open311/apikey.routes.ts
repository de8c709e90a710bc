import { ApiKey, ApiKeyBody, ApiKeyCreated, ApiKeyQuery, IdParam, Page } from '@wangge/shared';
import { actorOf, type App } from '../../core/http/context.ts';
import { withErrors } from '../../core/http/responses.ts';
import type { ApiKeyService } from './apikey.service.ts';

/** 开放接口密钥: the system administrator issues, renames and revokes the keys of the open API. */
export function apiKeyRoutes(keys: ApiKeyService) {
  return async (app: App): Promise<void> => {
    const tags = ['api-keys'];
    const config = { permissions: ['apikey.write'] as const };

    app.get(
      '/api/api-keys',
      {
        schema: {
          tags,
          summary: '开放接口密钥列表',
          querystring: ApiKeyQuery,
          response: withErrors({ 200: Page(ApiKey) }),
        },
        config,
      },
      async (request) => keys.list(request.query),
    );

    app.post(
      '/api/api-keys',
      {
        schema: {
          tags,
          summary: '新建开放接口密钥：密钥明文只在此次响应中显示一次',
          body: ApiKeyBody,
          response: withErrors({ 201: ApiKeyCreated }),
        },
        config,
      },
      async (request, reply) => reply.status(201).send(await keys.create(actorOf(request), request.body)),
    );

    app.put(
      '/api/api-keys/:id',
      {
        schema: {
          tags,
          summary: '修改开放接口密钥名称',
          params: IdParam,
          body: ApiKeyBody,
          response: withErrors({ 200: ApiKey }),
        },
        config,
      },
      async (request) => keys.rename(actorOf(request), request.params.id, request.body),
    );

    app.post(
      '/api/api-keys/:id/revoke',
      {
        schema: {
          tags,
          summary: '停用开放接口密钥（不可恢复）',
          params: IdParam,
          response: withErrors({ 200: ApiKey }),
        },
        config,
      },
      async (request) => keys.revoke(actorOf(request), request.params.id),
    );
  };
}
