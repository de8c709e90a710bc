import {
  CaseNumberParam,
  PhotoUploadBody,
  PhotoUploadResult,
  PublicCaseBody,
  PublicCaseQuery,
  PublicCaseReceipt,
  PublicCaseStatus,
  PublicCategory,
  PublicGridOutlines,
  PublicOutlinesQuery,
  PublicFollowReceipt,
  PublicNearbyCase,
  PublicNearbyQuery,
  PublicPhotoParams,
  PublicRateBody,
  PublicReopenBody,
  PUBLIC_CASE_STATES,
  categoriesInUse,
} from '@wangge/shared';
import fs from 'node:fs';
import { Type } from 'typebox';
import type { App } from '../../core/http/context.ts';
import { AppError } from '../../core/http/errors.ts';
import { withErrors } from '../../core/http/responses.ts';
import type { Actor } from '../../core/audit/audit.service.ts';
import type { CaseConfigService } from './case-config.service.ts';
import type { Cases } from './cases.ts';
import { outlineWithChildren } from '../grid/grid.repository.ts';

/** Limits per client address: reports and uploads per hour, status and outline look-ups per minute. */
export const PUBLIC_LIMITS = {
  reportsPerHour: 20,
  photosPerHour: 60,
  lookupsPerMinute: 30,
  outlinesPerMinute: 120,
  /** Photos on a tracking page (each checks the number and code). */
  photosPerMinute: 120,
  /** Ratings and reopenings per hour. */
  ratingsPerHour: 20,
  /** Looks for open reports near a point. */
  nearbyPerMinute: 30,
  /** Follows (附议), counted like reports. */
  followsPerHour: 20,
};

/**
 * The citizens' side: report from a phone page without an account, follow the report by number
 * and access code. Rate-limited per address; nothing of other people is ever returned.
 */
export function publicCaseRoutes(cases: Cases, config: CaseConfigService) {
  return async (app: App): Promise<void> => {
    const tags = ['public'];
    const citizen = (ip: string, ua: unknown): Actor => ({
      id: null,
      // Shown on the case timeline as the reporter.
      name: '群众',
      ip,
      userAgent: typeof ua === 'string' ? ua : null,
    });

    // The map citizens pick a place on: grid outlines of the case territory, one level at a time.
    // Boundaries are public (they are on every notice board); nothing else about a grid is sent.
    app.get(
      '/api/public/grid-outlines',
      {
        schema: {
          tags,
          summary: '群众上报用的网格边界（逐级）',
          querystring: PublicOutlinesQuery,
          response: withErrors({ 200: PublicGridOutlines }),
        },
        config: { public: true, rateLimit: { max: PUBLIC_LIMITS.outlinesPerMinute, timeWindow: 60_000 } },
      },
      async (request, reply) => {
        const db = app.ctx.db;
        const rootId = await config.caseRootId(db);
        if (rootId === null) throw new AppError('NOT_FOUND', '尚未设置事件所用的网格');
        const id = request.query.parentId ?? rootId;
        const found = await outlineWithChildren(db, id);
        if (!found || !found.node.path.startsWith(`/${rootId}/`))
          throw new AppError('NOT_FOUND', '网格不存在');
        const { node, children } = found;
        void reply.header('cache-control', 'public, max-age=300');
        return {
          id: node.id,
          name: node.name,
          geometry: (node.geometry ?? null) as never,
          parts: children.map((c) => ({
            id: c.id,
            name: c.name,
            leaf: Boolean(c.leaf),
            geometry: c.geometry as never,
          })),
        };
      },
    );

    app.get(
      '/api/public/case-categories',
      {
        schema: {
          tags,
          summary: '群众可选的事件分类',
          response: withErrors({ 200: Type.Array(PublicCategory) }),
        },
        config: { public: true },
      },
      async () => {
        return categoriesInUse(await config.listCategories(), (c) => c.parentId).map((c) => ({
          id: c.id,
          parentId: c.parentId,
          name: c.name,
          nameEn: c.nameEn,
        }));
      },
    );

    app.post(
      '/api/public/case-photos',
      {
        bodyLimit: 8 * 1024 * 1024,
        schema: {
          tags,
          summary: '群众上传照片',
          body: PhotoUploadBody,
          response: withErrors({ 201: PhotoUploadResult }),
        },
        config: { public: true, rateLimit: { max: PUBLIC_LIMITS.photosPerHour, timeWindow: 3600_000 } },
      },
      async (request, reply) => reply.status(201).send(await cases.photos.upload(null, request.body.dataUrl)),
    );

    app.post(
      '/api/public/cases',
      {
        schema: {
          tags,
          summary: '群众上报（无需登录）：返回事件编号和查询码',
          body: PublicCaseBody,
          response: withErrors({ 201: PublicCaseReceipt }),
        },
        config: { public: true, rateLimit: { max: PUBLIC_LIMITS.reportsPerHour, timeWindow: 3600_000 } },
      },
      async (request, reply) => {
        const b = request.body;
        const result = await cases.intake.report(null, citizen(request.ip, request.headers['user-agent']), {
          categoryId: b.categoryId,
          nature: 'civil',
          handlingType: 'coordination',
          description: b.description,
          address: b.address ?? null,
          location: b.location ?? null,
          photoTokens: b.photoTokens,
          channel: 'public_page',
          reporterKind: 'public',
          reporterName: b.contact?.name ?? null,
          reporterPhone: b.contact?.phone ?? null,
          reporterPhoneField: 'contact/phone',
        });
        return reply.status(201).send({
          number: result.number,
          accessCode: result.accessCode!,
          state: result.state,
          stateName: PUBLIC_CASE_STATES[result.state].zh,
        });
      },
    );

    app.get(
      '/api/public/cases/:number',
      {
        schema: {
          tags,
          summary: '按编号和查询码查看本人反映的办理进度',
          params: CaseNumberParam,
          querystring: PublicCaseQuery,
          response: withErrors({ 200: PublicCaseStatus }),
        },
        config: { public: true, rateLimit: { max: PUBLIC_LIMITS.lookupsPerMinute, timeWindow: 60_000 } },
      },
      async (request) => cases.public.publicStatus(request.params.number, request.query.code),
    );

    // ---------------------------------------------------------------- the citizen's own steps

    app.get(
      '/api/public/cases/:number/photos/:photoId',
      {
        schema: {
          tags,
          summary: '按编号和查询码查看事件照片（本人上报的照片和处理后的照片）',
          params: PublicPhotoParams,
          querystring: PublicCaseQuery,
        },
        config: { public: true, rateLimit: { max: PUBLIC_LIMITS.photosPerMinute, timeWindow: 60_000 } },
      },
      async (request, reply) => {
        const { number, photoId } = request.params;
        const photo = await cases.public.photo(number, request.query.code, photoId);
        if (!fs.existsSync(photo.file)) throw new AppError('NOT_FOUND', '照片文件不存在');
        return reply
          .type(photo.type)
          .header('cache-control', 'private, max-age=3600')
          .send(fs.createReadStream(photo.file));
      },
    );

    app.post(
      '/api/public/cases/:number/rating',
      {
        schema: {
          tags,
          summary: '群众评价已办结的事件（满意/基本满意/不满意，每轮办理一次）',
          params: CaseNumberParam,
          body: PublicRateBody,
          response: withErrors({ 200: PublicCaseStatus }),
        },
        config: { public: true, rateLimit: { max: PUBLIC_LIMITS.ratingsPerHour, timeWindow: 3600_000 } },
      },
      async (request) =>
        cases.public.rate(
          citizen(request.ip, request.headers['user-agent']),
          request.params.number,
          request.body,
        ),
    );

    app.post(
      '/api/public/cases/:number/reopen',
      {
        schema: {
          tags,
          summary: '群众在办结后规定天数内要求重新办理（须说明理由）',
          params: CaseNumberParam,
          body: PublicReopenBody,
          response: withErrors({ 200: PublicCaseStatus }),
        },
        config: { public: true, rateLimit: { max: PUBLIC_LIMITS.ratingsPerHour, timeWindow: 3600_000 } },
      },
      async (request) =>
        cases.public.reopen(
          citizen(request.ip, request.headers['user-agent']),
          request.params.number,
          request.body,
        ),
    );

    app.get(
      '/api/public/cases/nearby',
      {
        schema: {
          tags,
          summary: '附近已有人反映：同类未办结的反映（不含个人信息和查询码）',
          querystring: PublicNearbyQuery,
          response: withErrors({ 200: Type.Array(PublicNearbyCase) }),
        },
        config: { public: true, rateLimit: { max: PUBLIC_LIMITS.nearbyPerMinute, timeWindow: 60_000 } },
      },
      async (request) => cases.public.nearby(request.query),
    );

    app.post(
      '/api/public/cases/:number/follow',
      {
        schema: {
          tags,
          summary: '我也遇到了：附议附近已有的反映（不新建事件），返回只读查询码',
          params: CaseNumberParam,
          response: withErrors({ 201: PublicFollowReceipt }),
        },
        config: { public: true, rateLimit: { max: PUBLIC_LIMITS.followsPerHour, timeWindow: 3600_000 } },
      },
      async (request, reply) =>
        reply
          .status(201)
          .send(
            await cases.public.follow(
              citizen(request.ip, request.headers['user-agent']),
              request.params.number,
              request.ip,
            ),
          ),
    );
  };
}
