import { DUTY_ROLES, DUTY_TEXT, gridKindLabel, IdParam, isDutyRole } from '@wangge/shared';
import type { MultiPolygon, Polygon } from 'geojson';
import { appendAudit } from '../../core/audit/audit.service.ts';
import { todayIn } from '../../core/calendar/dates.ts';
import { actorOf, principalOf, type App } from '../../core/http/context.ts';
import { AppError } from '../../core/http/errors.ts';
import { findPdfFont, noticeBoardPdf, responsibilityChartPdf } from './pdf.ts';
import { requireInScope } from '../../core/access/scope.ts';
import { gridScope } from '../grid/grid.scope.ts';
import { noticeBoardData, responsibilityChartData } from './print.repository.ts';
import { MOBILE } from '../../core/pii/kinds.ts';

const CHART_LIMIT = 3000;

/** Printable outputs: the public notice board of a grid and the responsibility chart of a subtree. */
export async function printRoutes(app: App): Promise<void> {
  const { db, personal, config } = app.ctx;

  const roleName = (role: string) => (isDutyRole(role) ? DUTY_ROLES[role].zh : role);

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
      const { node, ancestors, children, people } = await noticeBoardData(db, request.params.id);
      // A notice board is posted in public so residents can call their grid member: full numbers
      // need the reveal permission, and printing them is an audited export of personal data.
      const full = principal.permissions.has('person.phone.reveal');
      const roles = [...new Set(people.map((p) => p.role))];
      const pdf = await noticeBoardPdf(font, {
        name: node.name,
        code: node.code,
        kindLabel: gridKindLabel(node.kind),
        chain: [...ancestors.map((a) => a.name), node.name],
        geometry: (node.geometry as Polygon | MultiPolygon | null) ?? null,
        children: children.map((c) => c.geometry as Polygon | MultiPolygon),
        people: people.map((p) => {
          const phone = personal.open(p.phone_enc);
          return {
            role: roleName(p.role),
            name: p.name,
            organisation: p.organisation,
            phone: phone ? (full ? phone : MOBILE.mask(phone)) : null,
          };
        }),
        duties: (roles.length ? roles : ['chief', 'member']).map(
          (r) => `${roleName(r)}：${(isDutyRole(r) && DUTY_TEXT[r]) || '按网格职责开展工作。'}`,
        ),
        issuedOn: todayIn(config.timeZone),
      });
      await db.transaction().execute((trx) =>
        appendAudit(trx, actorOf(request), {
          action: 'grid.print.notice',
          targetType: 'grid',
          targetId: node.id,
          after: { people: people.length, fullPhones: full && people.some((p) => p.phone_enc) },
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
      schema: { tags: ['grid'], summary: '网格责任图（PDF，子树）', params: IdParam },
      config: { permissions: ['duty.read'] },
    },
    async (request, reply) => {
      const principal = principalOf(request);
      await requireInScope(db, principal, gridScope, [request.params.id]);
      const font = findPdfFont(config.pdfFont);
      const { node, nodes, duties } = await responsibilityChartData(db, request.params.id, CHART_LIMIT);
      if (nodes.length > CHART_LIMIT) {
        throw new AppError('VALIDATION_FAILED', `子树超过 ${CHART_LIMIT} 个网格，请选择更小的范围打印`);
      }
      const byNode = new Map<number, string[]>();
      for (const d of duties)
        byNode.set(d.node_id, [...(byNode.get(d.node_id) ?? []), `${roleName(d.role)} ${d.name}`]);
      const pdf = await responsibilityChartPdf(
        font,
        node.name,
        nodes.map((n) => ({
          depth: n.depth,
          name: n.name,
          code: n.code,
          kindLabel: gridKindLabel(n.kind),
          people: (byNode.get(n.id) ?? []).join('、'),
        })),
        todayIn(config.timeZone),
      );
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
