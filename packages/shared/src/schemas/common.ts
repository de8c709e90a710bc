import { Type, type Static } from 'typebox';
import { LIMITS } from '../constants.ts';

export const ErrorResponse = Type.Object(
  {
    error: Type.Object({
      code: Type.String(),
      message: Type.String(),
      fields: Type.Optional(Type.Record(Type.String(), Type.String())),
    }),
  },
  { $id: 'ErrorResponse', description: '统一错误响应' },
);

export const PageQuery = Type.Object({
  page: Type.Optional(Type.Integer({ minimum: 1, maximum: LIMITS.pageMax, default: 1 })),
  pageSize: Type.Optional(
    Type.Integer({ minimum: 1, maximum: LIMITS.pageSizeMax, default: LIMITS.pageSizeDefault }),
  ),
});
export type PageQuery = Static<typeof PageQuery>;

export function Page<T extends ReturnType<typeof Type.Object>>(item: T) {
  return Type.Object({
    items: Type.Array(item),
    total: Type.Integer(),
    page: Type.Integer(),
    pageSize: Type.Integer(),
  });
}

export interface PageResult<T> {
  items: T[];
  total: number;
  page: number;
  pageSize: number;
}

/** A database id: a positive 32-bit integer. */
export const Id = () => Type.Integer({ minimum: 1, maximum: 2147483647 });

export const IdParam = Type.Object({ id: Id() });

export const Health = Type.Object({
  status: Type.Literal('ok'),
  database: Type.Union([Type.Literal('pglite'), Type.Literal('postgres')]),
  version: Type.String(),
  demo: Type.Boolean(),
  time: Type.String({ format: 'date-time' }),
});
export type Health = Static<typeof Health>;
