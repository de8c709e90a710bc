import type { TemplateDefinition } from '../../core/notify/notify.templates.ts';
import { SUPERVISION_TEMPLATES } from './case.supervision.templates.ts';

const CASE_VARS = ['number', 'title', 'category', 'grid', 'department', 'state', 'dueAt', 'stage', 'link'];
const FOOTER = '\n\n—— 网格化管理平台（系统自动发送，请勿直接回复）';

/**
 * The notices the case module sends. An administrator may override any of them (stored in `notify_template`);
 * new keys come only from code, because only code sends them.
 *
 * Syntax: `{{var}}` is replaced by the value (unknown or empty → nothing); `{{#var}}…{{/var}}` keeps
 * its content only when `var` is not empty. Values are plain text.
 */
export const CASE_TEMPLATES: Record<string, TemplateDefinition> = {
  'case.assigned': {
    name: '新事件已分派给部门',
    vars: CASE_VARS,
    channels: ['email', 'sms', 'inapp'],
    emailSubject: '【待受理】{{number}} {{title}}',
    emailBody:
      '您好：\n\n新事件已分派给{{department}}，请于 {{dueAt}} 前受理。\n\n' +
      '编号：{{number}}\n标题：{{title}}\n类别：{{category}}\n网格：{{grid}}\n受理时限：{{dueAt}}\n\n' +
      '查看并处理：{{link}}' +
      FOOTER,
    smsText: '新事件{{number}}「{{title}}」已分派给{{department}}，请于{{dueAt}}前受理。',
    inappTitle: '新事件待受理：{{title}}',
    inappBody: '事件 {{number}}（{{category}}，{{grid}}）已分派给{{department}}，请于 {{dueAt}} 前受理。',
  },
  'case.rejected': {
    name: '部门驳回，待重新分发',
    vars: [...CASE_VARS, 'reason'],
    channels: ['email', 'inapp'],
    emailSubject: '【待重新分发】{{number}} {{title}}',
    emailBody:
      '您好：\n\n{{department}}驳回了事件 {{number}}「{{title}}」，请重新分发。\n' +
      '{{#reason}}驳回理由：{{reason}}\n{{/reason}}\n' +
      '类别：{{category}}\n网格：{{grid}}\n\n查看并分发：{{link}}' +
      FOOTER,
    smsText: '事件{{number}}「{{title}}」被{{department}}驳回，请重新分发。',
    inappTitle: '事件被驳回，待重新分发：{{title}}',
    inappBody:
      '{{department}}驳回了事件 {{number}}（{{category}}，{{grid}}）。{{#reason}}理由：{{reason}}{{/reason}}',
  },
  'case.handled': {
    name: '部门已反馈，待回访',
    vars: CASE_VARS,
    channels: ['email', 'inapp'],
    emailSubject: '【待回访】{{number}} {{title}}',
    emailBody:
      '您好：\n\n{{department}}已反馈事件 {{number}}「{{title}}」的处理结果，请于 {{dueAt}} 前完成回访。\n\n' +
      '类别：{{category}}\n网格：{{grid}}\n\n查看并回访：{{link}}' +
      FOOTER,
    smsText: '事件{{number}}「{{title}}」已反馈，请于{{dueAt}}前回访。',
    inappTitle: '事件已反馈，待回访：{{title}}',
    inappBody: '{{department}}已反馈事件 {{number}}（{{grid}}），请于 {{dueAt}} 前回访。',
  },
  'case.rework': {
    name: '回访不满意，需二次处理',
    vars: [...CASE_VARS, 'reason'],
    channels: ['email', 'sms', 'inapp'],
    emailSubject: '【二次处理】{{number}} {{title}}',
    emailBody:
      '您好：\n\n事件 {{number}}「{{title}}」回访不满意，已退回{{department}}二次处理，请于 {{dueAt}} 前重新反馈。\n' +
      '{{#reason}}回访意见：{{reason}}\n{{/reason}}\n' +
      '类别：{{category}}\n网格：{{grid}}\n\n查看并处理：{{link}}' +
      FOOTER,
    smsText: '事件{{number}}「{{title}}」回访不满意，需二次处理，请于{{dueAt}}前重新反馈。',
    inappTitle: '回访不满意，需二次处理：{{title}}',
    inappBody:
      '事件 {{number}}（{{grid}}）回访不满意，请于 {{dueAt}} 前重新反馈。{{#reason}}回访意见：{{reason}}{{/reason}}',
  },
  'case.archived': {
    name: '事件已归档',
    vars: CASE_VARS,
    channels: ['inapp'],
    emailSubject: '【已归档】{{number}} {{title}}',
    emailBody: '您好：\n\n事件 {{number}}「{{title}}」已办结归档。\n\n查看：{{link}}' + FOOTER,
    smsText: '事件{{number}}「{{title}}」已办结归档。',
    inappTitle: '事件已归档：{{title}}',
    inappBody: '事件 {{number}}（{{category}}，{{grid}}）已办结归档。',
  },
  'case.warn': {
    name: '即将超时预警',
    vars: [...CASE_VARS, 'hours'],
    channels: ['sms', 'inapp'],
    emailSubject: '【即将超时】{{number}} {{title}}',
    emailBody:
      '您好：\n\n事件 {{number}}「{{title}}」的{{stage}}时限将于 {{dueAt}} 到期，请尽快办理。\n\n' +
      '查看并办理：{{link}}' +
      FOOTER,
    smsText: '预警：事件{{number}}「{{title}}」{{stage}}将于{{dueAt}}超时，请尽快办理。',
    inappTitle: '即将超时：{{title}}',
    inappBody: '事件 {{number}} 的{{stage}}时限将于 {{dueAt}} 到期，请尽快办理。',
  },
  'case.overdue': {
    name: '已超时催办',
    vars: [...CASE_VARS, 'hours'],
    channels: ['email', 'sms', 'inapp'],
    emailSubject: '【催办】{{number}} {{title}} 已超时',
    emailBody:
      '您好：\n\n事件 {{number}}「{{title}}」的{{stage}}已于 {{dueAt}} 超时{{#hours}}（已超 {{hours}} 小时）{{/hours}}，请立即办理。\n\n' +
      '查看并办理：{{link}}' +
      FOOTER,
    smsText: '催办：事件{{number}}「{{title}}」{{stage}}已于{{dueAt}}超时，请立即办理。',
    inappTitle: '已超时催办：{{title}}',
    inappBody: '事件 {{number}} 的{{stage}}已于 {{dueAt}} 超时，请立即办理。',
  },
  'case.escalate': {
    name: '超时升级给上级网格长',
    vars: [...CASE_VARS, 'hours'],
    channels: ['email', 'sms', 'inapp'],
    emailSubject: '【超时升级】{{number}} {{title}}',
    emailBody:
      '您好：\n\n您辖区内的事件 {{number}}「{{title}}」{{stage}}严重超时（时限 {{dueAt}}），已升级由您督办。\n\n' +
      '{{#category}}类别：{{category}}\n{{/category}}{{#grid}}网格：{{grid}}\n{{/grid}}' +
      '{{#department}}承办部门：{{department}}\n{{/department}}\n查看并督办：{{link}}' +
      FOOTER,
    smsText: '督办：辖区事件{{number}}「{{title}}」{{stage}}严重超时（时限{{dueAt}}），已升级由您督办。',
    inappTitle: '超时升级督办：{{title}}',
    inappBody: '事件 {{number}}「{{title}}」{{stage}}严重超时（时限 {{dueAt}}），已升级由您督办。',
  },
  'case.emergency': {
    name: '紧急事件，通知指挥中心',
    vars: CASE_VARS,
    channels: ['email', 'sms', 'inapp'],
    emailSubject: '【紧急】{{number}} {{title}}',
    emailBody:
      '紧急事件，请立即处置！\n\n编号：{{number}}\n标题：{{title}}\n类别：{{category}}\n网格：{{grid}}\n' +
      '{{#department}}承办部门：{{department}}\n{{/department}}\n查看：{{link}}' +
      FOOTER,
    smsText: '紧急事件{{number}}：{{grid}}「{{title}}」，请立即处置。',
    inappTitle: '紧急事件：{{title}}',
    inappBody: '紧急事件 {{number}}（{{category}}，{{grid}}），请立即处置。',
  },
  'case.request': {
    name: '挂账/缓办申请待审批',
    vars: [...CASE_VARS, 'reason'],
    channels: ['email', 'inapp'],
    emailSubject: '【待审批】{{number}} {{title}} 的挂账/缓办申请',
    emailBody:
      '您好：\n\n{{#department}}{{department}}{{/department}}就事件 {{number}}「{{title}}」提出了挂账/缓办申请，请审批。\n' +
      '{{#reason}}申请理由：{{reason}}\n{{/reason}}\n查看并审批：{{link}}' +
      FOOTER,
    smsText: '事件{{number}}「{{title}}」有挂账/缓办申请待您审批。',
    inappTitle: '挂账/缓办申请待审批：{{title}}',
    inappBody: '事件 {{number}}（{{grid}}）申请挂账/缓办。{{#reason}}理由：{{reason}}{{/reason}}',
  },
  'case.request.decided': {
    name: '挂账/缓办申请已审批',
    vars: [...CASE_VARS, 'reason'],
    channels: ['email', 'inapp'],
    emailSubject: '【审批结果】{{number}} {{title}}',
    emailBody:
      '您好：\n\n您就事件 {{number}}「{{title}}」提出的挂账/缓办申请{{#reason}}{{reason}}{{/reason}}。\n' +
      '{{#dueAt}}当前时限：{{dueAt}}\n{{/dueAt}}\n查看：{{link}}' +
      FOOTER,
    smsText: '您就事件{{number}}提出的挂账/缓办申请{{reason}}。',
    inappTitle: '挂账/缓办申请审批结果：{{title}}',
    inappBody: '事件 {{number}} 的挂账/缓办申请{{reason}}。',
  },
  // To the citizen who reported it, when it closes: what was done (`summary`, the department's
  // feedback made safe for the public) and `link` back to the tracking page with number and code.
  'case.reporter.update': {
    name: '向群众反馈办理结果（短信）',
    vars: ['number', 'title', 'state', 'summary', 'link'],
    channels: ['sms'],
    emailSubject: '您反映的问题（编号 {{number}}）{{state}}',
    emailBody:
      '您好：\n\n您反映的问题（编号 {{number}}）{{state}}。{{#summary}}\n处理结果：{{summary}}\n{{/summary}}' +
      '{{#link}}\n查看处理结果并评价：{{link}}\n{{/link}}\n感谢您对网格化管理工作的支持！' +
      FOOTER,
    smsText:
      '您反映的问题（编号 {{number}}）{{state}}{{#summary}}：{{summary}}{{/summary}}，感谢您的支持！' +
      '{{#link}}查看结果并评价：{{link}}{{/link}}',
    inappTitle: '您反映的问题（编号 {{number}}）{{state}}',
    inappBody: '您反映的问题（编号 {{number}}）{{state}}。{{#summary}}处理结果：{{summary}}{{/summary}}',
  },
  ...SUPERVISION_TEMPLATES,
};
