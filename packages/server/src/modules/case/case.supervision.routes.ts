import {
  AssistBody,
  AssistFeedbackBody,
  CaseIdParam,
  DevolveBody,
  HandOverBody,
  ReassignBody,
  RecallBody,
  SuperviseBody,
  UnitOfficer,
  UrgeBody,
} from '@wangge/shared';
import { Type } from 'typebox';
import { principalOf, type App } from '../../core/http/context.ts';
import { withErrors } from '../../core/http/responses.ts';
import { caseActionRoute } from './case.action-route.ts';
import type { Cases } from './cases.ts';

type Body<T> = { body: unknown } & { body: T };

/** The supervision actions of case.supervision.ts, and the officers a case may be handed to. */
export function caseSupervisionRoutes(cases: Cases) {
  return async (app: App): Promise<void> => {
    const action = caseActionRoute(app, cases);
    action('urge', '催办（通知承办人并计数）', UrgeBody, (r) => ({ note: (r as Body<UrgeBody>).body.note }));
    action('reassign', '改派给另一个单位（说明原因）', ReassignBody, (r) => {
      const b = (r as Body<ReassignBody>).body;
      return { departmentId: b.departmentId, note: b.reason };
    });
    action('recall', '撤回到待分发（说明原因）', RecallBody, (r) => ({
      note: (r as Body<RecallBody>).body.reason,
    }));
    action('devolve', '退回属地（交给事件所在街道、社区的承办单位）', DevolveBody, (r) => ({
      note: (r as Body<DevolveBody>).body.reason,
    }));
    action('assist', '请其他单位协办', AssistBody, (r) => {
      const b = (r as Body<AssistBody>).body;
      return { departmentIds: b.departmentIds, note: b.note };
    });
    action(
      'assistFeedback',
      '协办单位反馈（可附照片）',
      AssistFeedbackBody,
      (r) => {
        const b = (r as Body<AssistFeedbackBody>).body;
        return { note: b.note, attachments: b.photoTokens, departmentId: b.departmentId };
      },
      'assist-feedback',
    );
    action('supervise', '督办（领导署名，列入督办）', SuperviseBody, (r) => ({
      note: (r as Body<SuperviseBody>).body.note,
    }));
    action(
      'handOver',
      '交给本单位的经办人',
      HandOverBody,
      (r) => {
        const b = (r as Body<HandOverBody>).body;
        return { personId: b.personId, note: b.note };
      },
      'hand-over',
    );

    app.get(
      '/api/cases/:id/officers',
      {
        schema: {
          tags: ['case'],
          summary: '承办单位的工作人员（交办的候选人）',
          params: CaseIdParam,
          response: withErrors({ 200: Type.Array(UnitOfficer) }),
        },
        config: { permissions: ['case.handle'] },
      },
      async (request) => cases.officers(principalOf(request), request.params.id),
    );
  };
}
