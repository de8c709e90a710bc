import { CaseDetail, CaseIdParam, type Permission } from '@wangge/shared';
import type { TObject } from 'typebox';
import { actorOf, principalOf, type App } from '../../core/http/context.ts';
import { withErrors } from '../../core/http/responses.ts';
import type { BaseInput } from '../../core/workflow/workflow.ts';
import type { Cases } from './cases.ts';

/**
 * A workflow action of cases at POST /api/cases/:id/<path>: the body's schema and how it becomes
 * the action's input. Who may take it is the workflow's declaration (the route admits the
 * permissions any of its grants names; the engine decides).
 */
export function caseActionRoute(app: App, cases: Cases) {
  return <B extends TObject>(
    name: string,
    summary: string,
    body: B,
    input: (request: { body: unknown }) => BaseInput,
    path = name,
  ) =>
    app.post(
      `/api/cases/:id/${path}`,
      {
        schema: {
          tags: ['case'],
          summary,
          params: CaseIdParam,
          body,
          response: withErrors({ 200: CaseDetail }),
        },
        config: { permissions: cases.workflow.permissionsOf(name) as Permission[] },
      },
      async (request) =>
        cases.act(
          principalOf(request),
          actorOf(request),
          (request.params as { id: number }).id,
          name,
          input({ body: request.body }),
        ),
    );
}
