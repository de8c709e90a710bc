import fs from 'node:fs';
import {
  AcceptBody,
  ArchiveBody,
  CaseCategory,
  CaseCategoryBody,
  CaseCounts,
  CaseDetail,
  CaseIdParam,
  CaseListQuery,
  CasePhotoParams,
  CaseRequestBody,
  CaseSettings,
  RevealBody,
  CaseSettingsBody,
  CaseSummary,
  CommentBody,
  CreateCaseBody,
  DecideBody,
  DispatchBody,
  DispatchRule,
  DispatchRuleBody,
  DispatchRuleChange,
  DispatchRuleHistoryQuery,
  DryRunQuery,
  DryRunResult,
  DuplicateItem,
  DuplicateQuery,
  FeedbackBody,
  IdParam,
  Page,
  PhotoUploadBody,
  PhotoUploadResult,
  RejectBody,
  RequestIdParams,
  TimeLimit,
  TimeLimitBody,
  VisitBody,
  VoidBody,
  type Permission,
  type RequestKind,
} from '@wangge/shared';
import { Type } from 'typebox';
import { actorOf, principalOf, type App } from '../../core/http/context.ts';
import { AppError } from '../../core/http/errors.ts';
import { toWgs84 } from '../grid/locator.service.ts';
import { withErrors } from '../../core/http/responses.ts';
import type { CaseConfigService } from './case-config.service.ts';
import type { Cases } from './cases.ts';
import { nodeById } from '../grid/grid.repository.ts';
import { caseActionRoute } from './case.action-route.ts';

const READERS: Permission[] = ['case.read', 'case.handle'];
const ANY_CASE: Permission[] = ['case.read', 'case.handle', 'case.report', 'case.config'];

export function caseRoutes(cases: Cases, config: CaseConfigService) {
  return async (app: App): Promise<void> => {
    const tags = ['case'];
    const cfgTags = ['case-config'];

    // -------------------------------------------------------------- configuration

    app.get(
      '/api/case-settings',
      {
        schema: {
          tags: cfgTags,
          summary: '事件开关与定时器设置',
          response: withErrors({ 200: CaseSettings }),
        },
        config: { permissions: ANY_CASE },
      },
      async () => config.settings(),
    );
    app.put(
      '/api/case-settings',
      {
        schema: {
          tags: cfgTags,
          summary: '修改开关设置（自动分发、回访、自动归档）与定时器',
          body: CaseSettingsBody,
          response: withErrors({ 200: CaseSettings }),
        },
        config: { permissions: ['case.config'] },
      },
      async (request) => config.updateSettings(actorOf(request), request.body),
    );

    app.get(
      '/api/case-categories',
      {
        schema: {
          tags: cfgTags,
          summary: '事件分类（树）',
          response: withErrors({ 200: Type.Array(CaseCategory) }),
        },
        config: { permissions: ANY_CASE },
      },
      async () => config.listCategories(),
    );
    app.post(
      '/api/case-categories',
      {
        schema: {
          tags: cfgTags,
          summary: '新建事件分类',
          body: CaseCategoryBody,
          response: withErrors({ 201: CaseCategory }),
        },
        config: { permissions: ['case.config'] },
      },
      async (request, reply) =>
        reply.status(201).send(await config.createCategory(actorOf(request), request.body)),
    );
    app.put(
      '/api/case-categories/:id',
      {
        schema: {
          tags: cfgTags,
          summary: '修改事件分类（停用：active=false）',
          params: IdParam,
          body: CaseCategoryBody,
          response: withErrors({ 200: CaseCategory }),
        },
        config: { permissions: ['case.config'] },
      },
      async (request) => config.updateCategory(actorOf(request), request.params.id, request.body),
    );

    app.get(
      '/api/case-limits',
      {
        schema: {
          tags: cfgTags,
          summary: '各环节时限（工作分钟）',
          response: withErrors({ 200: Type.Array(TimeLimit) }),
        },
        config: { permissions: ANY_CASE },
      },
      async () => config.listTimeLimits(),
    );
    app.put(
      '/api/case-limits',
      {
        schema: {
          tags: cfgTags,
          summary: '设置某分类（或默认）某紧急程度某环节的时限',
          body: TimeLimitBody,
          response: withErrors({ 200: TimeLimit }),
        },
        config: { permissions: ['case.config'] },
      },
      async (request) => config.setTimeLimit(actorOf(request), request.body),
    );
    app.delete(
      '/api/case-limits/:id',
      {
        schema: { tags: cfgTags, summary: '删除分类时限（回到上级或默认时限）', params: IdParam },
        config: { permissions: ['case.config'] },
      },
      async (request, reply) => {
        await config.deleteTimeLimit(actorOf(request), request.params.id);
        return reply.status(204).send();
      },
    );

    app.get(
      '/api/dispatch-rules',
      {
        schema: {
          tags: cfgTags,
          summary: '自动分流规则',
          response: withErrors({ 200: Type.Array(DispatchRule) }),
        },
        config: { permissions: ['case.config', 'case.dispatch'] },
      },
      async () => config.rules.list(),
    );
    app.post(
      '/api/dispatch-rules',
      {
        schema: {
          tags: cfgTags,
          summary: '新建分流规则',
          body: DispatchRuleBody,
          response: withErrors({ 201: DispatchRule }),
        },
        config: { permissions: ['case.config'] },
      },
      async (request, reply) =>
        reply.status(201).send(await config.rules.create(actorOf(request), request.body)),
    );
    app.put(
      '/api/dispatch-rules/:id',
      {
        schema: {
          tags: cfgTags,
          summary: '修改分流规则',
          params: IdParam,
          body: DispatchRuleBody,
          response: withErrors({ 200: DispatchRule }),
        },
        config: { permissions: ['case.config'] },
      },
      async (request) => config.rules.update(actorOf(request), request.params.id, request.body),
    );
    app.delete(
      '/api/dispatch-rules/:id',
      {
        schema: { tags: cfgTags, summary: '删除分流规则（保留变更历史）', params: IdParam },
        config: { permissions: ['case.config'] },
      },
      async (request, reply) => {
        await config.rules.delete(actorOf(request), request.params.id);
        return reply.status(204).send();
      },
    );
    app.get(
      '/api/dispatch-rules/history',
      {
        schema: {
          tags: cfgTags,
          summary: '分流规则变更历史',
          querystring: DispatchRuleHistoryQuery,
          response: withErrors({ 200: Page(DispatchRuleChange) }),
        },
        config: { permissions: ['case.config'] },
      },
      async (request) => config.rules.history(request.query.ruleId ?? null, request.query),
    );
    app.get(
      '/api/dispatch-rules/dry-run',
      {
        schema: {
          tags: cfgTags,
          summary: '试算：这个分类、这个网格（或坐标）的新事件会分给谁？',
          querystring: DryRunQuery,
          response: withErrors({ 200: DryRunResult }),
        },
        config: { permissions: ['case.config', 'case.dispatch'] },
      },
      async (request) => {
        const q = request.query;
        let gridId = q.gridId ?? null;
        if (gridId === null && q.lng !== undefined && q.lat !== undefined) {
          const rootId = await config.caseRootId();
          const [lng, lat] = toWgs84(q.lng, q.lat, q.crs ?? 'wgs84');
          gridId = rootId === null ? null : await app.ctx.locator.locate(rootId, lng, lat);
        }
        const grid = gridId ? await nodeById(app.ctx.db, gridId) : undefined;
        if (gridId && !grid) throw new AppError('NOT_FOUND', '网格不存在');
        const settings = await config.settings();
        const matched = grid
          ? await config.rules.match(q.categoryId, grid.path)
          : await config.rules.match(q.categoryId, '/');
        const rules = await config.rules.list();
        const matches = matched.map((m) => rules.find((r) => r.id === m.id)!).filter(Boolean);
        const winner = matches[0] ?? null;
        return {
          autoDispatch: settings.autoDispatch,
          gridId: grid?.id ?? null,
          gridName: grid?.name ?? null,
          departmentId: settings.autoDispatch && winner ? winner.departmentId : null,
          departmentName: settings.autoDispatch && winner ? winner.departmentName : null,
          ruleId: winner?.id ?? null,
          matches,
        };
      },
    );

    // -------------------------------------------------------------- reporting

    app.post(
      '/api/case-photos',
      {
        bodyLimit: 8 * 1024 * 1024,
        schema: {
          tags,
          summary: '上传事件照片（JPEG/PNG/WebP，≤5 MB），返回用于上报或反馈的凭据',
          body: PhotoUploadBody,
          response: withErrors({ 201: PhotoUploadResult }),
        },
        config: { permissions: ['case.report', 'case.handle', 'case.visit'] },
      },
      async (request, reply) =>
        reply.status(201).send(await cases.photos.upload(actorOf(request).id, request.body.dataUrl)),
    );

    app.post(
      '/api/cases',
      {
        schema: {
          tags,
          summary: '上报事件（一般事项可现场处置）',
          body: CreateCaseBody,
          response: withErrors({ 201: CaseDetail }),
        },
        config: { permissions: ['case.report'] },
      },
      async (request, reply) => {
        const principal = principalOf(request);
        const b = request.body;
        const detail = await cases.intake.reportDetailed(principal, actorOf(request), {
          ...b,
          channel: b.channel ?? 'desk',
          reporterKind: 'staff',
          reporterName: b.reporter?.name ?? null,
          reporterPhone: b.reporter?.phone ?? null,
        });
        return reply.status(201).send(detail);
      },
    );

    // -------------------------------------------------------------- reading

    app.get(
      '/api/cases',
      {
        schema: {
          tags,
          summary: '事件列表（按状态、分类、网格子树、超时、日期筛选）',
          querystring: CaseListQuery,
          response: withErrors({ 200: Page(CaseSummary) }),
        },
        config: { permissions: READERS },
      },
      async (request) => cases.read.list(principalOf(request), request.query),
    );
    app.get(
      '/api/cases/export',
      {
        schema: {
          tags,
          summary: '导出事件台账（Excel，与列表相同的筛选条件，最多 20000 条）',
          querystring: CaseListQuery,
        },
        config: { permissions: ['case.export'] },
      },
      async (request, reply) => {
        const { bytes } = await cases.ledger.exportLedger(
          principalOf(request),
          actorOf(request),
          request.query,
        );
        const stamp = new Date().toISOString().slice(0, 10).replace(/-/g, '');
        return reply
          .type('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
          .header(
            'content-disposition',
            `attachment; filename="cases-${stamp}.xlsx"; filename*=UTF-8''${encodeURIComponent(`事件台账-${stamp}.xlsx`)}`,
          )
          .send(bytes);
      },
    );
    app.get(
      '/api/cases/counts',
      {
        schema: { tags, summary: '各队列和超时清单的数量', response: withErrors({ 200: CaseCounts }) },
        config: { permissions: READERS },
      },
      async (request) => cases.read.counts(principalOf(request)),
    );
    app.get(
      '/api/cases/duplicates',
      {
        schema: {
          tags,
          summary: '疑似重复：附近同类未办结事件',
          querystring: DuplicateQuery,
          response: withErrors({ 200: Type.Array(DuplicateItem) }),
        },
        config: { permissions: ['case.read', 'case.report', 'case.handle'] },
      },
      async (request) => cases.read.duplicates(principalOf(request), request.query),
    );
    app.get(
      '/api/cases/:id',
      {
        schema: {
          tags,
          summary: '事件详情：时间线、照片、可执行的操作',
          params: CaseIdParam,
          response: withErrors({ 200: CaseDetail }),
        },
        config: { permissions: [...READERS, 'case.report'] },
      },
      async (request) => cases.read.get(principalOf(request), request.params.id),
    );
    app.get(
      '/api/cases/:id/photos/:photoId',
      {
        schema: {
          tags,
          summary: '事件照片',
          params: CasePhotoParams,
        },
        config: { permissions: [...READERS, 'case.report'] },
      },
      async (request, reply) => {
        const photo = await cases.read.photo(principalOf(request), request.params.id, request.params.photoId);
        if (!fs.existsSync(photo.file)) throw new AppError('NOT_FOUND', '照片文件不存在');
        return reply
          .type(photo.type)
          .header('cache-control', 'private, max-age=3600')
          .send(fs.createReadStream(photo.file));
      },
    );
    app.post(
      '/api/cases/:id/reveal',
      {
        schema: {
          tags,
          summary: '查看当事人和上报人的完整联系方式（记入审计）',
          params: CaseIdParam,
          body: RevealBody,
          response: withErrors({
            200: Type.Object({
              reporterPhone: Type.Union([Type.String(), Type.Null()]),
              parties: Type.Array(
                Type.Object({
                  role: Type.String(),
                  name: Type.String(),
                  phone: Type.Union([Type.String(), Type.Null()]),
                }),
              ),
            }),
          }),
        },
        config: { permissions: ['case.party.reveal'] },
      },
      async (request) =>
        cases.read.revealContacts(
          principalOf(request),
          actorOf(request),
          request.params.id,
          request.body?.reason,
        ),
    );

    // -------------------------------------------------------------- transitions

    // Each workflow action at POST /api/cases/:id/<path>; who may take it is the workflow's
    // declaration (the route admits the permissions any of its grants names).
    const action = caseActionRoute(app, cases);

    action('dispatch', '分派给部门（待分发、被驳回的事件）', DispatchBody, (r) => {
      const b = r.body as { departmentId: number; note?: string };
      return { departmentId: b.departmentId, note: b.note };
    });
    action('accept', '部门接受', AcceptBody, (r) => ({ note: (r.body as { note?: string }).note }));
    action('reject', '部门驳回（说明理由，退回重新分发）', RejectBody, (r) => ({
      note: (r.body as { reason: string }).reason,
    }));
    action('feedback', '部门反馈处理结果（可附照片）', FeedbackBody, (r) => {
      const b = r.body as { note: string; photoTokens?: string[] };
      return { note: b.note, attachments: b.photoTokens };
    });
    action('visit', '回访：满意归档，不满意二次处理', VisitBody, (r) => {
      const b = r.body as { satisfied: boolean; note: string; method?: string; photoTokens?: string[] };
      return { satisfied: b.satisfied, note: b.note, method: b.method, attachments: b.photoTokens };
    });
    action('archive', '归档（待归档的事件）', ArchiveBody, (r) => ({
      note: (r.body as { note?: string }).note,
    }));
    action('void', '作废（重复、无效的上报）', VoidBody, (r) => {
      const b = r.body as { reason: string; duplicateOf?: string };
      return { note: b.reason, duplicateOf: b.duplicateOf };
    });
    action('comment', '添加备注', CommentBody, (r) => ({ note: (r.body as { note: string }).note }));
    action(
      'request',
      '申请挂账、取消挂账或缓办',
      CaseRequestBody,
      (r) => {
        const b = r.body as { kind: RequestKind; reason: string; extraMinutes?: number };
        return { kind: b.kind, note: b.reason, extraMinutes: b.extraMinutes };
      },
      'requests',
    );

    app.post(
      '/api/cases/:id/requests/:requestId/decide',
      {
        schema: {
          tags,
          summary: '审批挂账、缓办申请',
          params: RequestIdParams,
          body: DecideBody,
          response: withErrors({ 200: CaseDetail }),
        },
        config: { permissions: cases.workflow.permissionsOf('decide') as Permission[] },
      },
      async (request) =>
        cases.act(principalOf(request), actorOf(request), request.params.id, 'decide', {
          requestId: request.params.requestId,
          approve: request.body.approve,
          note: request.body.note,
        }),
    );
  };
}
