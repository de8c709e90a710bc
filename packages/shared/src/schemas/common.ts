import { Type, type Static } from 'typebox';
import { LIMITS } from '../constants.ts';
import { Id, Int } from './numbers.ts';

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

/** The page and page size of a list query; `pageSizeDefault` when the page size is left out. */
export const PageFields = (pageSizeDefault: number = LIMITS.pageSizeDefault) => ({
  page: Type.Optional(Int(1, LIMITS.pageMax, { default: 1 })),
  pageSize: Type.Optional(Int(1, LIMITS.pageSizeMax, { default: pageSizeDefault })),
});

export const PageQuery = Type.Object(PageFields());
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

export const IdParam = Type.Object({ id: Id() });

export const Health = Type.Object({
  status: Type.Literal('ok'),
  database: Type.Union([Type.Literal('pglite'), Type.Literal('postgres')]),
  version: Type.String(),
  demo: Type.Boolean(),
  time: Type.String({ format: 'date-time' }),
});
export type Health = Static<typeof Health>;
