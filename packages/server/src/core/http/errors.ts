import { ERRORS, type ErrorCode, type ErrorFields } from '@wangge/shared';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

/** The one error type of the server: a code from the closed set, optional per-field messages. */
export class AppError extends Error {
  readonly status: number;
  constructor(
    readonly code: ErrorCode,
    message?: string,
    readonly fields?: ErrorFields,
  ) {
    super(message ?? ERRORS[code].zh);
    this.name = 'AppError';
    this.status = ERRORS[code].status;
  }
}

interface AjvError {
  keyword: string;
  instancePath: string;
  params: Record<string, unknown>;
  message?: string;
}

/** Chinese text for a schema violation, by JSON-schema keyword. */
function fieldMessage(e: AjvError): string {
  const p = e.params;
  switch (e.keyword) {
    case 'required':
      return '必填';
    case 'minLength':
      return p.limit === 1 ? '不能为空' : `长度不能少于 ${String(p.limit)} 个字符`;
    case 'maxLength':
      return `长度不能超过 ${String(p.limit)} 个字符`;
    case 'minimum':
      return `不能小于 ${String(p.limit)}`;
    case 'maximum':
      return `不能大于 ${String(p.limit)}`;
    case 'minItems':
      return `至少 ${String(p.limit)} 项`;
    case 'maxItems':
      return `最多 ${String(p.limit)} 项`;
    case 'uniqueItems':
      return '不能有重复项';
    case 'pattern':
    case 'format':
      return '格式不正确';
    case 'type':
      return `类型不正确，应为 ${typeName(String(p.type))}`;
    case 'enum':
    case 'const':
    case 'anyOf':
      return '取值无效';
    case 'additionalProperties':
      return '不允许的字段';
    case 'minProperties':
      return '至少需要修改一项';
    default:
      return '取值无效';
  }
}

function typeName(t: string): string {
  return (
    {
      string: '文本',
      integer: '整数',
      number: '数字',
      boolean: '布尔值',
      object: '对象',
      array: '数组',
      null: '空值',
    }[t] ?? t
  );
}

function fieldKey(e: AjvError): string {
  const base = e.instancePath.replace(/^\//, '');
  if (e.keyword === 'required') return [base, String(e.params.missingProperty)].filter(Boolean).join('/');
  if (e.keyword === 'additionalProperties') {
    return [base, String(e.params.additionalProperty)].filter(Boolean).join('/');
  }
  return base || '_';
}

export function validationFields(errors: AjvError[]): ErrorFields {
  const fields: ErrorFields = {};
  for (const e of errors) {
    const key = fieldKey(e);
    if (!(key in fields)) fields[key] = fieldMessage(e);
  }
  return fields;
}

function toAppError(error: FastifyError & { validation?: AjvError[] }): AppError | null {
  if (error instanceof AppError) return error;
  if (error.validation)
    return new AppError('VALIDATION_FAILED', undefined, validationFields(error.validation));
  switch (error.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new AppError('PAYLOAD_TOO_LARGE');
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new AppError('UNSUPPORTED_MEDIA_TYPE');
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return new AppError('BAD_REQUEST', '请求内容不是合法的 JSON');
  }
  if (error.statusCode === 429) return new AppError('RATE_LIMITED');
  const pgCode = (error as { code?: string }).code;
  if (pgCode === '23505') return new AppError('CONFLICT');
  if (pgCode === '23503') return new AppError('CONFLICT', '关联的数据不存在或仍被引用');
  // Class 22 (data exception): a value the database cannot take, such as a NUL byte or a number
  // out of range. It is the caller's input, never a server fault.
  if (pgCode?.startsWith('22')) return new AppError('BAD_REQUEST', '提交的数据包含无法处理的字符或数值');
  if (error.statusCode && error.statusCode >= 400 && error.statusCode < 500) {
    return new AppError('BAD_REQUEST');
  }
  return null;
}

function sendError(error: FastifyError, request: FastifyRequest, reply: FastifyReply) {
  const appError = toAppError(error);
  if (!appError) {
    request.log.error({ err: error }, 'unhandled error');
    return reply.status(500).send({ error: { code: 'INTERNAL', message: ERRORS.INTERNAL.zh } });
  }
  if (appError.status >= 500) request.log.error({ err: error }, appError.code);
  return reply.status(appError.status).send({
    error: {
      code: appError.code,
      message: appError.message,
      ...(appError.fields ? { fields: appError.fields } : {}),
    },
  });
}

export function installErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler(sendError);
}

/**
 * Fastify's `frameworkErrors`: what the router refuses before any route runs (a path segment
 * longer than its limit, a malformed percent-encoding) answers in the same error shape as the
 * rest, without echoing the address back.
 */
export function frameworkErrors(error: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
  const message = error.code === 'FST_ERR_MAX_PARAM_LENGTH' ? '请求地址中的参数过长' : '请求地址格式不正确';
  void sendError(new AppError('BAD_REQUEST', message) as AppError & FastifyError, request, reply);
}
