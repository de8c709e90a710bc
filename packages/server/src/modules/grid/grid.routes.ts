import {
  CloseGridBody,
  CreateGridBody,
  GridChange,
  GridDetail,
  GridHistory,
  GridListQuery,
  GridNode,
  DivisionImportBody,
  FeatureCollectionBody,
  GeoJsonExportQuery,
  GeoJsonImportQuery,
  GeoJsonImportResult,
  TopologyReport,
  IdParam,
  JobStarted,
  LocateQuery,
  LocateResult,
  MergeGridBody,
  MoveGridBody,
  Page,
  RenameGridBody,
  SchemeSummary,
  SplitGridBody,
  TOLERANCE_M2_DEFAULT,
  TopologyQuery,
} from '@wangge/shared';
import { Type } from 'typebox';
import { escapeLike } from '../../core/db/like.ts';
import { coversARoot, requireInScope, scoped } from '../../core/access/scope.ts';
import { actorOf, principalOf, type App } from '../../core/http/context.ts';
import { withErrors } from '../../core/http/responses.ts';
import {
  ancestorsOf,
  grantCreatorScope,
  gridNodeColumns,
  listSchemes,
  rootsOf,
  toGridNode,
} from './grid.repository.ts';
import { GridService } from './grid.service.ts';
import { GeoJsonService } from './geojson.service.ts';
import { toWgs84 } from './locator.service.ts';
import { findDivisionsRoot, importDivisions } from './divisions.import.ts';
import { AppError } from '../../core/http/errors.ts';
import { paginate } from '../../core/http/paginate.ts';
import { gridScope } from './grid.scope.ts';

export async function gridRoutes(app: App): Promise<void> {
  const { db } = app.ctx;
  const tags = ['grid'];
  const grids = new GridService(
    db,
    app.ctx.config.timeZone,
    () => app.ctx.locator.invalidate(),
    app.ctx.config.gridCodeDigits,
  );

  app.get(
    '/api/grids',
    {
      schema: {
        tags,
        summary: '网格列表：不带参数时为本人管辖的子树根；parentId 为下级；q 为名称或编码搜索',
        querystring: GridListQuery,
        response: withErrors({ 200: Page(GridNode) }),
      },
      config: { permissions: ['grid.read'] },
    },
    async (request) => {
      const principal = principalOf(request);
      const { parentId, q: text } = request.query;
      if (parentId) await requireInScope(db, principal, gridScope, [parentId]);
      let q = gridNodeColumns(db)
        .$call((q) => scoped(q, 'g.path', principal))
        .where('g.valid_to', 'is', null);
      if (text) {
        q = q.where((eb) =>
          eb.or([
            eb('g.name', 'ilike', `%${escapeLike(text)}%`),
            eb('g.code', 'like', `${escapeLike(text)}%`),
          ]),
        );
      } else if (parentId) {
        q = q.where('g.parent_id', '=', parentId);
      } else {
        const roots = principal.scopePaths;
        q = q.where('g.path', 'in', roots.length ? roots : ['']);
      }
      return paginate(
        q.orderBy('g.code').orderBy('g.id'),
        { page: request.query.page, pageSize: request.query.pageSize ?? 100 },
        (rows) => rows.map(toGridNode),
      );
    },
  );

  app.get(
    '/api/grids/:id',
    {
      schema: { tags, summary: '网格详情', params: IdParam, response: withErrors({ 200: GridDetail }) },
      config: { permissions: ['grid.read'] },
    },
    async (request) => {
      const principal = principalOf(request);
      await requireInScope(db, principal, gridScope, [request.params.id]);
      const row = await gridNodeColumns(db)
        .select('g.geometry')
        .where('g.id', '=', request.params.id)
        .executeTakeFirstOrThrow();
      const ancestors = await ancestorsOf(db, row.path);
      return {
        ...toGridNode(row),
        ancestors: ancestors.map((a) => ({ id: a.id, name: a.name, kind: a.kind })),
        geometry: row.geometry ?? null,
      };
    },
  );

  app.get(
    '/api/grids/locate',
    {
      schema: {
        tags,
        summary: '坐标定位到网格：返回包含该点的最深层网格（每棵网格树一个）',
        querystring: LocateQuery,
        response: withErrors({ 200: LocateResult }),
      },
      config: { permissions: ['grid.read'] },
    },
    async (request) => {
      const principal = principalOf(request);
      const [lng, lat] = toWgs84(request.query.lng, request.query.lat, request.query.crs ?? 'wgs84');
      const roots = request.query.rootId
        ? [request.query.rootId]
        : await rootsOf(
            db,
            principal.scopes.map((s) => s.id),
          );
      const found = (await Promise.all(roots.map((root) => app.ctx.locator.locate(root, lng, lat)))).filter(
        (id): id is number => id !== null,
      );
      const rows = found.length
        ? await gridNodeColumns(db)
            .where('g.id', 'in', found)
            .$call((q) => scoped(q, 'g.path', principal))
            .execute()
        : [];
      const hits = await Promise.all(
        rows.map(async (row) => {
          const ancestors = await ancestorsOf(db, row.path);
          return {
            ...toGridNode(row),
            ancestors: ancestors.map((a) => ({ id: a.id, name: a.name, kind: a.kind })),
          };
        }),
      );
      return { lng, lat, hits };
    },
  );

  app.post(
    '/api/grids/import/divisions',
    {
      schema: {
        tags,
        summary: '导入全国行政区划（全部或指定省、市、县），可重复执行；返回后台任务编号',
        body: DivisionImportBody,
        response: withErrors({ 202: JobStarted }),
      },
      config: { permissions: ['grid.write'] },
    },
    async (request, reply) => {
      const principal = principalOf(request);
      if (!coversARoot(principal)) {
        throw new AppError('OUT_OF_SCOPE', '只有管辖整个网格树的管理员才能导入行政区划');
      }
      // The divisions tree, once it exists, belongs to those whose scope covers it.
      const existingRoot = await findDivisionsRoot(db);
      if (existingRoot) await requireInScope(db, principal, gridScope, [existingRoot.id]);
      const actor = actorOf(request);
      const scope = request.body;
      const jobId = await app.ctx.jobs.start('grid.import.divisions', scope, actor, async (progress) => {
        const result = await importDivisions(db, {
          scope,
          actor,
          timeZone: app.ctx.config.timeZone,
          progress,
        });
        app.ctx.locator.invalidate();
        // Whoever creates the divisions tree gets it in scope; later imports change no scope.
        if (result.createdRoot) {
          await grantCreatorScope(db, principal.userId, result.rootId);
        }
        return result;
      });
      return reply.status(202).send({ jobId });
    },
  );

  const geojson = new GeoJsonService(db, app.ctx.config.timeZone, () => app.ctx.locator.invalidate());

  app.get(
    '/api/grids/:id/geojson',
    {
      schema: {
        tags,
        summary: '导出子树边界（GeoJSON，WGS84）；levels=1 只含本级和直接下级',
        params: IdParam,
        querystring: GeoJsonExportQuery,
        response: withErrors({ 200: FeatureCollectionBody }),
      },
      config: { permissions: ['grid.read'] },
    },
    async (request, reply) => {
      const collection = await geojson.export(principalOf(request), request.params.id, request.query.levels);
      reply.header('content-disposition', `attachment; filename="grid-${request.params.id}.geojson"`);
      return collection;
    },
  );

  app.post(
    '/api/grids/:id/geojson',
    {
      bodyLimit: 50 * 1024 * 1024,
      schema: {
        tags,
        summary: '导入子树边界（按 code 或 id 匹配；GCJ-02、BD-09 自动转换）；dryRun 只出报告',
        params: IdParam,
        querystring: GeoJsonImportQuery,
        body: FeatureCollectionBody,
        response: withErrors({ 200: GeoJsonImportResult }),
      },
      config: { permissions: ['grid.write'] },
    },
    async (request) =>
      geojson.import(principalOf(request), actorOf(request), request.params.id, request.body, {
        crs: request.query.crs ?? 'wgs84',
        dryRun: request.query.dryRun ?? false,
        skipUnmatched: request.query.skipUnmatched ?? false,
        toleranceM2: request.query.toleranceM2 ?? TOLERANCE_M2_DEFAULT,
      }),
  );

  app.get(
    '/api/grids/:id/topology',
    {
      schema: {
        tags,
        summary: '拓扑检查：自相交、同级重叠、相对上级的缝隙与越界',
        params: IdParam,
        querystring: TopologyQuery,
        response: withErrors({ 200: TopologyReport }),
      },
      config: { permissions: ['grid.read'] },
    },
    async (request) =>
      geojson.topology(
        principalOf(request),
        request.params.id,
        request.query.toleranceM2 ?? TOLERANCE_M2_DEFAULT,
      ),
  );

  const node = async (id: number) =>
    toGridNode(await gridNodeColumns(db).where('g.id', '=', id).executeTakeFirstOrThrow());

  app.post(
    '/api/grids',
    {
      schema: {
        tags,
        summary: '新建网格（编码留空则自动生成）',
        body: CreateGridBody,
        response: withErrors({ 201: GridNode }),
      },
      config: { permissions: ['grid.write'] },
    },
    async (request, reply) => {
      const id = await grids.create(principalOf(request), actorOf(request), request.body);
      return reply.status(201).send(await node(id));
    },
  );

  app.patch(
    '/api/grids/:id',
    {
      schema: {
        tags,
        summary: '网格改名',
        params: IdParam,
        body: RenameGridBody,
        response: withErrors({ 200: GridNode }),
      },
      config: { permissions: ['grid.write'] },
    },
    async (request) => {
      await grids.rename(principalOf(request), actorOf(request), request.params.id, request.body);
      return node(request.params.id);
    },
  );

  app.post(
    '/api/grids/:id/move',
    {
      schema: {
        tags,
        summary: '调整上级（编码随之更新）',
        params: IdParam,
        body: MoveGridBody,
        response: withErrors({ 200: GridNode }),
      },
      config: { permissions: ['grid.write'] },
    },
    async (request) => {
      await grids.move(principalOf(request), actorOf(request), request.params.id, request.body);
      return node(request.params.id);
    },
  );

  app.post(
    '/api/grids/:id/split',
    {
      schema: {
        tags,
        summary: '拆分网格',
        params: IdParam,
        body: SplitGridBody,
        response: withErrors({ 200: GridChange }),
      },
      config: { permissions: ['grid.write'] },
    },
    async (request) => grids.split(principalOf(request), actorOf(request), request.params.id, request.body),
  );

  app.post(
    '/api/grids/merge',
    {
      schema: { tags, summary: '合并网格', body: MergeGridBody, response: withErrors({ 200: GridChange }) },
      config: { permissions: ['grid.write'] },
    },
    async (request) => grids.merge(principalOf(request), actorOf(request), request.body),
  );

  app.post(
    '/api/grids/:id/close',
    {
      schema: {
        tags,
        summary: '撤销网格',
        params: IdParam,
        body: CloseGridBody,
        response: withErrors({ 200: GridChange }),
      },
      config: { permissions: ['grid.write'] },
    },
    async (request) => grids.close(principalOf(request), actorOf(request), request.params.id, request.body),
  );

  app.get(
    '/api/grids/:id/history',
    {
      schema: {
        tags,
        summary: '网格沿革：变更记录、拆分合并的前后关系',
        params: IdParam,
        response: withErrors({ 200: GridHistory }),
      },
      config: { permissions: ['grid.read'] },
    },
    async (request) => grids.history(principalOf(request), request.params.id),
  );

  app.get(
    '/api/schemes',
    {
      schema: {
        tags,
        summary: '网格方案（层级模板）',
        response: withErrors({ 200: Type.Array(SchemeSummary) }),
      },
      config: { permissions: ['grid.read'] },
    },
    async () =>
      (await listSchemes(db)).map((s) => ({
        key: s.key,
        code: s.code,
        name: s.name,
        nameEn: s.name_en,
        definition: s.definition,
      })),
  );
}
