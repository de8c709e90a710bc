import { ERRORS } from '@wangge/shared';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { clientOf } from '../identity/auth.hooks.ts';
import type { App } from '../../core/http/context.ts';
import { AppError } from '../../core/http/errors.ts';
import { apiKeyRoutes } from './apikey.routes.ts';
import { ApiKeyService } from './apikey.service.ts';
import { GEOREPORT_V2, Open311Error, param, type Params } from './open311.format.ts';
import { Open311Service } from './open311.service.ts';
import { xmlDocument } from './xml.ts';

/** Calls per client address and minute: reads, and reports. */
export const OPEN311_LIMITS = { readsPerMinute: 120, postsPerMinute: 60 };
/** Largest form body a report may have (text only: media come as URLs). */
const FORM_BODY_LIMIT = 64 * 1024;

type Format = 'json' | 'xml';
const FORMATS: readonly Format[] = ['json', 'xml'];
const MIME: Record<Format, string> = {
  json: 'application/json; charset=utf-8',
  xml: 'text/xml; charset=utf-8',
};

const isRecord = (v: unknown): v is Params => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The answer format a URL asks for: `….json` is JSON, anything else XML (the required format). */
function formatOf(url: string): Format {
  return url.split('?')[0]!.toLowerCase().endsWith('.json') ? 'json' : 'xml';
}

function send(reply: FastifyReply, format: Format, root: string, body: unknown, status = 200) {
  return reply
    .status(status)
    .type(MIME[format])
    .header('cache-control', 'no-store')
    .send(format === 'json' ? JSON.stringify(body) : xmlDocument(root, body));
}

/** `SJ20261122000001.json` → the id and the format; anything else is a spec error. */
function splitFile(file: string): { name: string; format: Format } {
  const dot = file.lastIndexOf('.');
  const ext = dot > 0 ? file.slice(dot + 1).toLowerCase() : '';
  if (!FORMATS.includes(ext as Format)) {
    throw Open311Error.of(400, '请在地址末尾注明格式 .xml 或 .json / append the format: .xml or .json');
  }
  return { name: file.slice(0, dot), format: ext as Format };
}

function bilingual(code: keyof typeof ERRORS, message: string): string {
  const en = ERRORS[code].en;
  return message === ERRORS[code].zh || !message ? `${ERRORS[code].zh} / ${en}` : `${message} / ${en}`;
}

/** Any error as GeoReport errors: 403 for keys, 404 for what does not exist, 400 for the rest. */
function toOpen311Error(
  error: FastifyError & { validation?: unknown },
  request: FastifyRequest,
): Open311Error {
  if (error instanceof Open311Error) return error;
  if (error instanceof AppError) {
    const fields = error.fields ? Object.entries(error.fields).map(([k, v]) => `${k}：${v}`) : [];
    const description = bilingual(
      error.code,
      fields.length ? `${error.message}（${fields.join('；')}）` : error.message,
    );
    if (error.status === 429) return Open311Error.of(429, description);
    if (error.status === 401 || error.status === 403) return Open311Error.of(403, description);
    if (error.status === 404) return Open311Error.of(404, description);
    if (error.status >= 500) {
      request.log.error({ err: error }, error.code);
      return Open311Error.of(400, description, 500);
    }
    return Open311Error.of(400, description, error.status);
  }
  if (error.validation) return Open311Error.of(400, bilingual('VALIDATION_FAILED', ''));
  switch (error.code) {
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return Open311Error.of(
        400,
        '请以 application/x-www-form-urlencoded 提交 / send the request as application/x-www-form-urlencoded',
        415,
      );
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return Open311Error.of(400, bilingual('PAYLOAD_TOO_LARGE', ''), 413);
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return Open311Error.of(400, bilingual('BAD_REQUEST', ''));
  }
  if (error.statusCode === 429) return Open311Error.of(429, bilingual('RATE_LIMITED', ''));
  const pgCode = (error as { code?: string }).code;
  if (pgCode?.startsWith('22'))
    return Open311Error.of(400, bilingual('BAD_REQUEST', '提交的数据包含无法处理的字符或数值'));
  if (error.statusCode && error.statusCode >= 400 && error.statusCode < 500) {
    return Open311Error.of(400, bilingual('BAD_REQUEST', ''), error.statusCode);
  }
  request.log.error({ err: error }, 'open311: unhandled error');
  return Open311Error.of(400, bilingual('INTERNAL', ''), 500);
}

/** GeoReport v2 under `/open311` (registered with that prefix). */
function georeport(open311: Open311Service, keys: ApiKeyService) {
  return async (app: App): Promise<void> => {
    const { config } = app.ctx;
    const schema = (summary: string) => ({ tags: ['open311'], summary, security: [] });
    const read = { public: true, rateLimit: { max: OPEN311_LIMITS.readsPerMinute, timeWindow: 60_000 } };
    const write = { public: true, rateLimit: { max: OPEN311_LIMITS.postsPerMinute, timeWindow: 60_000 } };

    // Reports come form-encoded (GeoReport v2); the parser lives in this plugin only.
    app.addContentTypeParser(
      'application/x-www-form-urlencoded',
      { parseAs: 'string', bodyLimit: FORM_BODY_LIMIT },
      (_request, body, done) => {
        // No prototype: a field named `__proto__` is a field like any other.
        const out = Object.create(null) as Record<string, string | string[]>;
        for (const [k, v] of new URLSearchParams(body as string)) {
          const prev = out[k];
          out[k] = prev === undefined ? v : Array.isArray(prev) ? [...prev, v] : [prev, v];
        }
        done(null, out);
      },
    );
    // A text/plain body is not a report: refused as an unsupported type, not read as no fields.
    app.removeContentTypeParser('text/plain');

    // Open311 clients get GeoReport errors, never the JSON envelope of the rest of the API.
    app.setErrorHandler((error: FastifyError, request, reply) => {
      const e = toOpen311Error(error, request);
      return send(reply, formatOf(request.url), 'errors', e.errors, e.status);
    });
    app.setNotFoundHandler((request, reply) => {
      const path = request.url.split('?')[0]!;
      // One of the resources (`requests`, `requests.csv`, `requests/SJ….json`, …)?
      const known =
        /^\/open311\/v2\/(discovery|services|requests|tokens|servicerequestupdates)([./][^/]*)?$/i.test(path);
      const formatted = /\.(xml|json)$/i.test(path);
      const e =
        known && !formatted
          ? Open311Error.of(400, '请在地址末尾注明格式 .xml 或 .json / append the format: .xml or .json')
          : known && request.method !== 'GET' && request.method !== 'HEAD'
            ? Open311Error.of(
                400,
                `不支持 ${request.method} 请求 / method ${request.method} not allowed`,
                405,
              )
            : Open311Error.of(
                404,
                '接口不存在，请参见 /open311/v2/discovery.xml / no such resource, see /open311/v2/discovery.xml',
              );
      return send(reply, formatOf(path), 'errors', e.errors, e.status);
    });

    for (const format of FORMATS) {
      app.get(
        `/v2/discovery.${format}`,
        { schema: schema('Open311 服务发现（GeoReport v2 Service Discovery）'), config: read },
        async (request, reply) => {
          const changeset = await open311.changeset();
          const base = config.publicUrl ?? `${request.protocol}://${request.host}`;
          return send(reply, format, 'discovery', {
            changeset,
            contact:
              '网格 Wangge 平台 Open311 接口；如有问题请联系平台系统管理员 / contact the platform administrator',
            key_service:
              '接口密钥由平台系统管理员在“开放接口密钥”中发放 / API keys are issued by the platform administrator',
            endpoints: [
              {
                specification: GEOREPORT_V2,
                url: `${base}/open311/v2`,
                changeset,
                type: config.demo ? 'test' : 'production',
                formats: ['text/xml', 'application/json'],
              },
            ],
          });
        },
      );

      app.get(
        `/v2/services.${format}`,
        { schema: schema('Open311 服务列表：每个在用的事件分类一项'), config: read },
        async (_request, reply) => send(reply, format, 'services', await open311.services()),
      );

      app.get(
        `/v2/requests.${format}`,
        {
          schema: schema(
            'Open311 查询事件（service_request_id、service_code、start_date、end_date、status）',
          ),
          config: read,
        },
        async (request, reply) =>
          send(reply, format, 'service_requests', await open311.requests(request.query as Params)),
      );

      app.post(
        `/v2/requests.${format}`,
        { schema: schema('Open311 提交事件（表单编码，需要 api_key）'), config: write },
        async (request, reply) => {
          const body: Params = isRecord(request.body) ? request.body : {};
          const query = request.query as Params;
          const key = await keys.verify(param(body, 'api_key') ?? param(query, 'api_key'));
          if (!key) {
            throw Open311Error.of(403, 'api_key 缺失、无效或已停用 / missing, invalid or revoked api_key');
          }
          const created = await open311.create(key, clientOf(request), body);
          return send(reply, format, 'service_requests', created);
        },
      );

      app.get(
        `/v2/servicerequestupdates.${format}`,
        { schema: schema('Open311 事件进展更新（mySociety 扩展：start_date、end_date）'), config: read },
        async (request, reply) =>
          send(reply, format, 'service_request_updates', await open311.updates(request.query as Params)),
      );
    }

    app.get(
      '/v2/services/:file',
      { schema: schema('Open311 服务定义（/services/{service_code}.xml|json）'), config: read },
      async (request, reply) => {
        const { name, format } = splitFile((request.params as { file: string }).file);
        return send(reply, format, 'service_definition', await open311.serviceDefinition(name));
      },
    );

    app.get(
      '/v2/requests/:file',
      { schema: schema('Open311 查询单个事件（/requests/{service_request_id}.xml|json）'), config: read },
      async (request, reply) => {
        const { name, format } = splitFile((request.params as { file: string }).file);
        return send(reply, format, 'service_requests', await open311.request(name));
      },
    );

    app.get(
      '/v2/tokens/:file',
      { schema: schema('Open311 由 token 查询事件编号（/tokens/{token}.xml|json）'), config: read },
      async (request, reply) => {
        const { name, format } = splitFile((request.params as { file: string }).file);
        return send(reply, format, 'service_requests', await open311.token(name));
      },
    );
  };
}

/**
 * Open311 GeoReport v2 at `/open311/v2/` and the administration of its API keys at
 * `/api/api-keys`.
 */
export async function open311Routes(app: App): Promise<void> {
  const keys = new ApiKeyService(app.ctx.db, app.ctx.cipher);
  const open311 = new Open311Service(app.ctx.db, app.ctx.cases, app.ctx.config.timeZone);
  await app.register(apiKeyRoutes(keys));
  await app.register(georeport(open311, keys), { prefix: '/open311' });
}
