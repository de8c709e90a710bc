import type { TemplateDefinition } from '../../core/notify/notify.templates.ts';

const CASE_VARS = ['number', 'title', 'category', 'grid', 'department', 'state', 'dueAt', 'stage', 'link'];
const FOOTER = '\n\n—— 网格化管理平台（系统自动发送，请勿直接回复）';

/** The notices of supervising a case in hand (case.supervision.ts sends them). */
export const SUPERVISION_TEMPLATES: Record<string, TemplateDefinition> = {
  'case.urged': {
    name: '事件催办',
    vars: [...CASE_VARS, 'count', 'by', 'reason'],
    channels: ['email', 'sms', 'inapp'],
    emailSubject: '【催办】{{number}} {{title}}',
    emailBody:
      '您好：\n\n{{by}}催办事件 {{number}}「{{title}}」（第 {{count}} 次），当前{{state}}，请抓紧办理。\n' +
      '{{#reason}}催办意见：{{reason}}\n{{/reason}}{{#dueAt}}{{stage}}时限：{{dueAt}}\n{{/dueAt}}\n' +
      '类别：{{category}}\n网格：{{grid}}\n\n查看并处理：{{link}}' +
      FOOTER,
    smsText:
      '{{by}}催办事件{{number}}「{{title}}」（第{{count}}次），请抓紧办理。{{#reason}}{{reason}}{{/reason}}',
    inappTitle: '催办（第 {{count}} 次）：{{title}}',
    inappBody: '{{by}}催办事件 {{number}}（{{grid}}），当前{{state}}。{{#reason}}意见：{{reason}}{{/reason}}',
  },
  'case.withdrawn': {
    name: '事件已改派或撤回',
    vars: [...CASE_VARS, 'from', 'reason'],
    channels: ['email', 'inapp'],
    emailSubject: '【已收回】{{number}} {{title}}',
    emailBody:
      '您好：\n\n事件 {{number}}「{{title}}」已从{{from}}收回，无需再办理。\n' +
      '{{#reason}}原因：{{reason}}\n{{/reason}}\n查看：{{link}}' +
      FOOTER,
    smsText: '事件{{number}}「{{title}}」已从{{from}}收回，无需再办理。',
    inappTitle: '事件已收回：{{title}}',
    inappBody: '事件 {{number}}（{{grid}}）已从{{from}}收回。{{#reason}}原因：{{reason}}{{/reason}}',
  },
  'case.assist': {
    name: '请协助办理',
    vars: [...CASE_VARS, 'assistant', 'reason'],
    channels: ['email', 'sms', 'inapp'],
    emailSubject: '【协办】{{number}} {{title}}',
    emailBody:
      '您好：\n\n事件 {{number}}「{{title}}」由{{department}}主办，请{{assistant}}协助办理并反馈。\n' +
      '{{#reason}}说明：{{reason}}\n{{/reason}}\n类别：{{category}}\n网格：{{grid}}\n\n查看并反馈：{{link}}' +
      FOOTER,
    smsText: '事件{{number}}「{{title}}」由{{department}}主办，请{{assistant}}协助办理并反馈。',
    inappTitle: '请协助办理：{{title}}',
    inappBody:
      '事件 {{number}}（{{grid}}）由{{department}}主办，请{{assistant}}协办并反馈。{{#reason}}说明：{{reason}}{{/reason}}',
  },
  'case.assist.done': {
    name: '协办单位已反馈',
    vars: [...CASE_VARS, 'assistant', 'reason'],
    channels: ['email', 'inapp'],
    emailSubject: '【协办反馈】{{number}} {{title}}',
    emailBody:
      '您好：\n\n{{assistant}}已反馈事件 {{number}}「{{title}}」的协办情况：\n{{reason}}\n\n查看：{{link}}' +
      FOOTER,
    smsText: '{{assistant}}已反馈事件{{number}}「{{title}}」的协办情况。',
    inappTitle: '协办单位已反馈：{{title}}',
    inappBody: '{{assistant}}已反馈事件 {{number}}（{{grid}}）：{{reason}}',
  },
  'case.supervised': {
    name: '事件列入督办',
    vars: [...CASE_VARS, 'by', 'reason'],
    channels: ['email', 'sms', 'inapp'],
    emailSubject: '【督办】{{number}} {{title}}',
    emailBody:
      '您好：\n\n{{by}}对事件 {{number}}「{{title}}」进行督办，请{{#department}}{{department}}{{/department}}高度重视、限期办结。\n' +
      '督办意见：{{reason}}\n{{#dueAt}}{{stage}}时限：{{dueAt}}\n{{/dueAt}}\n查看并处理：{{link}}' +
      FOOTER,
    smsText: '{{by}}督办事件{{number}}「{{title}}」：{{reason}}',
    inappTitle: '督办：{{title}}',
    inappBody: '{{by}}督办事件 {{number}}（{{grid}}）。督办意见：{{reason}}',
  },
  'case.handed': {
    name: '事件交由您办理',
    vars: [...CASE_VARS, 'by', 'reason'],
    channels: ['email', 'sms', 'inapp'],
    emailSubject: '【交办】{{number}} {{title}}',
    emailBody:
      '您好：\n\n{{by}}将事件 {{number}}「{{title}}」交由您办理。\n' +
      '{{#reason}}说明：{{reason}}\n{{/reason}}{{#dueAt}}{{stage}}时限：{{dueAt}}\n{{/dueAt}}\n查看并处理：{{link}}' +
      FOOTER,
    smsText: '{{by}}将事件{{number}}「{{title}}」交由您办理。{{#dueAt}}时限{{dueAt}}。{{/dueAt}}',
    inappTitle: '交由您办理：{{title}}',
    inappBody: '{{by}}将事件 {{number}}（{{grid}}）交由您办理。{{#reason}}说明：{{reason}}{{/reason}}',
  },
};
