import { DUTY_ROLES, DUTY_TEXT, gridKindLabel, IdParam, isDutyRole } from '@wangge/shared';
import fs from 'node:fs';
import path from 'node:path';
import { appendAudit } from '../../core/audit/audit.service.ts';
import { todayIn } from '../../core/calendar/dates.ts';
import { actorOf, principalOf, type App } from '../../core/http/context.ts';
import { AppError } from '../../core/http/errors.ts';
import { findPdfFont } from './pdf.ts';
import { noticeBoardPdf } from './notice-board.pdf.ts';
import { responsibilityChartPdf } from './chart.pdf.ts';
import { gridDepartment } from './grid-department.ts';
import { peoplePhotoDir } from './person.service.ts';
import type { Shape } from './pdf-map.ts';
import { requireInScope } from '../../core/access/scope.ts';
import { gridScope } from '../grid/grid.scope.ts';
import { noticeBoardData, responsibilityChartData } from './print.repository.ts';
import { MOBILE } from '../../core/pii/kinds.ts';
import { imageKind } from '../../core/files/images.ts';

const CHART_LIMIT = 3000;

/** Printable outputs: the public notice board of a grid and the responsibility chart of a subtree. */
export async function printRoutes(app: App): Promise<void> {
  const { db, personal, config } = app.ctx;

  const roleName = (role: string) => (isDutyRole(role) ? DUTY_ROLES[role].zh : role);
  const photos = peoplePhotoDir(config.uploadDir);
  /** A person's photo for print: JPEG or PNG bytes, or null when there is none (or it is gone). */
  const photoOf = (file: string | null): Buffer | null => {
    if (!file) return null;
    try {
      const bytes = fs.readFileSync(path.join(photos, path.basename(file)));
      const kind = imageKind(bytes);
      return kind === 'jpeg' || kind === 'png' ? bytes : null;
    } catch {
      return null;
    }
  };

  app.get(
    '/api/grids/:id/notice.pdf',
    {
      schema: { tags: ['grid'], summary: '网格公示牌（PDF）', params: IdParam },
      // It names the people on duty: the same permission as the duty lists.
      config: { permissions: ['duty.read'] },
    },
    async (request, reply) => {
      const principal = principalOf(request);
      await requireInScope(db, principal, gridScope, [request.params.id]);
      const font = findPdfFont(config.pdfFont);
      const { node, ancestors, children, people, neighbours } = await noticeBoardData(db, request.params.id);
      const department = await gridDepartment(db, node.id);
      // The phone of a person on duty is their personal data (encrypted, masked): the board, posted
      // in public so residents can call, prints it in full only for a printer allowed to reveal
      // phones, and the print is recorded in the audit log as an export of those numbers.
      const full = principal.permissions.has('person.phone.reveal');
      const roles = [...new Set(people.map((p) => p.role))];
      const base = config.publicUrl ?? `${request.protocol}://${request.host}`;
      const reportUrl = `${base}/report?grid=${node.id}`;
      const { pdf, map } = await noticeBoardPdf(font, {
        name: node.name,
        code: node.code,
        kindLabel: gridKindLabel(node.kind),
        chain: [...ancestors.map((a) => a.name), node.name],
        geometry: (node.geometry as Shape | null) ?? null,
        neighbours: neighbours.map((n) => ({ name: n.name, geometry: n.geometry as Shape })),
        children: children.map((c) => c.geometry as Shape),
        people: people.map((p) => {
          const phone = personal.open(p.phone_enc);
          return {
            role: roleName(p.role),
            name: p.name,
            organisation: p.organisation,
            phone: phone ? (full ? phone : MOBILE.mask(phone)) : null,
            photo: photoOf(p.photo_path),
          };
        }),
        phonesMasked: !full && people.some((p) => p.phone_enc),
        department: department.effective?.name ?? null,
        duties: (roles.length ? roles : ['chief', 'member']).map(
          (r) => `${roleName(r)}：${(isDutyRole(r) && DUTY_TEXT[r]) || '按网格职责开展工作。'}`,
        ),
        reportUrl,
        issuedOn: todayIn(config.timeZone),
        basemap: config.basemapUrl,
      });
      if (map && (map.basemap === 'failed' || map.basemap === 'partial'))
        request.log.warn({ basemap: map.basemap }, 'notice board: basemap tiles missing');
      await db.transaction().execute((trx) =>
        appendAudit(trx, actorOf(request), {
          action: 'grid.print.notice',
          targetType: 'grid',
          targetId: node.id,
          after: {
            people: people.length,
            fullPhones: full && people.some((p) => p.phone_enc),
            ...(full ? { phonesOf: people.filter((p) => p.phone_enc).map((p) => p.person_id) } : {}),
          },
        }),
      );
      return reply
        .type('application/pdf')
        .header('content-disposition', `inline; filename="notice-${node.code ?? node.id}.pdf"`)
        .send(pdf);
    },
  );

  app.get(
    '/api/grids/:id/chart.pdf',
    {
      schema: { tags: ['grid'], summary: '网格责任图（PDF，下级网格地图与责任人）', params: IdParam },
      config: { permissions: ['duty.read'] },
    },
    async (request, reply) => {
      const principal = principalOf(request);
      await requireInScope(db, principal, gridScope, [request.params.id]);
      const font = findPdfFont(config.pdfFont);
      const { node, nodes, duties, shapes } = await responsibilityChartData(
        db,
        request.params.id,
        CHART_LIMIT,
      );
      if (nodes.length > CHART_LIMIT) {
        throw new AppError('VALIDATION_FAILED', `子树超过 ${CHART_LIMIT} 个网格，请选择更小的范围打印`);
      }
      const byNode = new Map<number, string[]>();
      for (const d of duties)
        byNode.set(d.node_id, [...(byNode.get(d.node_id) ?? []), `${roleName(d.role)} ${d.name}`]);
      const children = nodes
        .filter((n) => n.parent_id === node.id)
        .sort((a, b) => (a.code ?? '').localeCompare(b.code ?? '') || a.name.localeCompare(b.name, 'zh'));
      const pdf = await responsibilityChartPdf(font, {
        title: node.name,
        geometry: (node.geometry as Shape | null) ?? null,
        people: byNode.get(node.id) ?? [],
        children: children.map((c) => ({
          name: c.name,
          code: c.code,
          kindLabel: gridKindLabel(c.kind),
          geometry: (shapes.get(c.id) as Shape | undefined) ?? null,
          people: byNode.get(c.id) ?? [],
        })),
        rows: nodes.map((n) => ({
          depth: n.depth,
          name: n.name,
          code: n.code,
          kindLabel: gridKindLabel(n.kind),
          people: (byNode.get(n.id) ?? []).join('、'),
        })),
        issuedOn: todayIn(config.timeZone),
      });
      await db.transaction().execute((trx) =>
        appendAudit(trx, actorOf(request), {
          action: 'grid.print.chart',
          targetType: 'grid',
          targetId: node.id,
          after: { nodes: nodes.length },
        }),
      );
      return reply
        .type('application/pdf')
        .header('content-disposition', `inline; filename="chart-${node.code ?? node.id}.pdf"`)
        .send(pdf);
    },
  );
}
