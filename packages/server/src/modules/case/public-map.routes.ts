import { MapSettings, Page, PlaceHit, PlaceSearchQuery } from '@wangge/shared';
import type { App } from '../../core/http/context.ts';
import { AppError } from '../../core/http/errors.ts';
import { withErrors } from '../../core/http/responses.ts';
import { searchPlaces } from '../grid/places.ts';
import type { CaseConfigService } from './case-config.service.ts';

/** Place searches per client address per minute (typing sends one per pause). */
export const PLACE_SEARCHES_PER_MINUTE = 60;

/**
 * What the maps of the report pages read without an account: the basemap setting, and the place
 * search over the names of the case territory's grids (public: they are on every notice board).
 */
export function publicMapRoutes(config: CaseConfigService) {
  return async (app: App): Promise<void> => {
    const tags = ['public'];

    app.get(
      '/api/public/map-settings',
      {
        schema: {
          tags,
          summary: '地图设置：底图瓦片地址（未配置时为空）',
          response: withErrors({ 200: MapSettings }),
        },
        config: { public: true },
      },
      async (_request, reply) => {
        void reply.header('cache-control', 'public, max-age=300');
        const url = app.ctx.config.basemapUrl;
        return { basemap: url ? { tiles: [url], attribution: null } : null };
      },
    );

    app.get(
      '/api/public/grid-places',
      {
        schema: {
          tags,
          summary: '群众上报用的地点搜索：按名称查找事件所用网格树中的网格',
          querystring: PlaceSearchQuery,
          response: withErrors({ 200: Page(PlaceHit) }),
        },
        config: { public: true, rateLimit: { max: PLACE_SEARCHES_PER_MINUTE, timeWindow: 60_000 } },
      },
      async (request) => {
        const db = app.ctx.db;
        const rootId = await config.caseRootId(db);
        if (rootId === null) throw new AppError('NOT_FOUND', '尚未设置事件所用的网格');
        return searchPlaces(db, [`/${rootId}/`], request.query);
      },
    );
  };
}
