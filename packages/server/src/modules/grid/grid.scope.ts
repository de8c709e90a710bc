import type { ScopeKind } from '../../core/access/scope.ts';

/** Grid nodes in the scope tree: a node's own path. */
export const gridScope: ScopeKind = {
  name: 'grid',
  paths: (db, ids) => db.selectFrom('grid_node').select(['id', 'path']).where('id', 'in', ids).execute(),
  notFound: (ids) => `网格不存在：${ids.join('、')}`,
};
