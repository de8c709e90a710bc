import { Type, type Static } from 'typebox';
import { LIMITS } from '../constants.ts';
import { Id } from './common.ts';

export const GridNode = Type.Object({
  id: Type.Integer(),
  parentId: Type.Union([Type.Integer(), Type.Null()]),
  depth: Type.Integer(),
  kind: Type.String(),
  name: Type.String(),
  code: Type.Union([Type.String(), Type.Null()]),
  childCount: Type.Integer(),
  hasGeometry: Type.Boolean(),
  lng: Type.Union([Type.Number(), Type.Null()]),
  lat: Type.Union([Type.Number(), Type.Null()]),
});
export type GridNode = Static<typeof GridNode>;

export const GridListQuery = Type.Object({
  parentId: Type.Optional(Id()),
  q: Type.Optional(Type.String({ minLength: 1, maxLength: LIMITS.searchMax })),
  page: Type.Optional(Type.Integer({ minimum: 1, maximum: LIMITS.pageMax, default: 1 })),
  pageSize: Type.Optional(Type.Integer({ minimum: 1, maximum: LIMITS.pageSizeMax, default: 100 })),
});
export type GridListQuery = Static<typeof GridListQuery>;

export const GridDetail = Type.Intersect([
  GridNode,
  Type.Object({
    ancestors: Type.Array(Type.Object({ id: Type.Integer(), name: Type.String(), kind: Type.String() })),
    geometry: Type.Unknown(),
  }),
]);

export const RenameGridBody = Type.Object({
  name: Type.String({ minLength: 1, maxLength: 60 }),
});

export const Dashboard = Type.Object({
  gridCounts: Type.Array(Type.Object({ kind: Type.String(), count: Type.Integer() })),
  userCount: Type.Union([Type.Integer(), Type.Null()]),
});
