import type { AuditTargetInfo, AuditVocabulary } from './core/audit/audit.vocabulary.ts';
import { rowsFor } from './core/audit/audit.vocabulary.ts';

/** The settings rows audit entries name (`targetType: 'setting'`), by key. */
const SETTINGS: Record<string, AuditTargetInfo> = {
  security: { name: '安全策略', nameEn: 'Security policy', link: '/admin/security' },
  cases: {
    name: '事件开关与定时器',
    nameEn: 'Case switches and timers',
    link: '/case-settings?tab=switches',
  },
  'calendar.hours': { name: '工作时段', nameEn: 'Work hours', link: '/case-settings?tab=calendar' },
};

/**
 * What the kernel and the composition root write into the audit log (the audit log itself,
 * personal data, notifications, the calendar, set-up), named; the modules name the rest.
 */
export const KERNEL_AUDIT: AuditVocabulary = {
  actions: {
    'audit.verify': { zh: '校验审计日志', en: 'Verified the audit log' },
    'audit.export': { zh: '导出审计日志', en: 'Exported the audit log' },
    'audit.purge': { zh: '清理过期审计日志', en: 'Purged expired audit entries' },
    'personal.reveal': { zh: '查看个人信息', en: 'Revealed personal data' },
    'notify.template.update': { zh: '修改通知模板', en: 'Changed a notification template' },
    'notify.template.reset': { zh: '恢复默认通知模板', en: 'Reset a notification template' },
    'notify.retry': { zh: '重发通知', en: 'Re-queued a notification' },
    'calendar.hours.set': { zh: '设置工作时段', en: 'Set the work hours' },
    'calendar.day.set': { zh: '设置放假或调休', en: 'Set a day off or make-up working day' },
    'calendar.day.delete': { zh: '删除放假或调休安排', en: 'Removed a calendar day' },
    'system.initialise': { zh: '系统初始化', en: 'Initialised the system' },
    'demo.load': { zh: '加载演示数据', en: 'Loaded demo data' },
  },
  targets: {
    setting: {
      label: { zh: '系统设置', en: 'Setting' },
      describe: async (ids) => new Map(ids.flatMap((id) => (SETTINGS[id] ? [[id, SETTINGS[id]]] : []))),
    },
    notify_template: {
      label: { zh: '通知模板', en: 'Notification template' },
      describe: async (ids, ctx) => {
        const wanted = new Set(ids);
        const templates = (await ctx.notify.templates()).filter((t) => wanted.has(t.key));
        return new Map(templates.map((t) => [t.key, { name: t.name, link: '/notify/templates' }]));
      },
    },
    outbox: {
      label: { zh: '通知', en: 'Notification' },
      describe: async (ids, ctx) => {
        const rows = await rowsFor(ids, (numbers) =>
          ctx.db
            .selectFrom('outbox')
            .select(['id', 'channel', 'to_masked'])
            .where('id', 'in', numbers)
            .execute(),
        );
        return new Map(
          rows.map((r) => [
            String(r.id),
            {
              name: `${r.channel === 'sms' ? '短信' : '邮件'} ${r.to_masked}`,
              nameEn: `${r.channel === 'sms' ? 'SMS' : 'E-mail'} ${r.to_masked}`,
              link: r.channel === 'sms' ? '/notify/sms' : '/notify/mails',
            },
          ]),
        );
      },
    },
    calendar_day: {
      label: { zh: '日历', en: 'Calendar day' },
      describe: async (ids) =>
        new Map(ids.map((id) => [id, { name: id, link: '/case-settings?tab=calendar' }])),
    },
  },
};
