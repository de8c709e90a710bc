import {
  CASE_ACTIONS,
  CASE_STATES,
  URGENCIES,
  type CaseCategory,
  type CaseState,
  type Department,
} from '@wangge/shared';
import { Tag, Tooltip } from 'antd';
import dayjs from 'dayjs';
import { useEffect, useState } from 'react';
import { useApi } from '../../core/query.tsx';
import type { Lang } from '../../i18n/index.tsx';
import { useI18n } from '../../i18n/index.tsx';

/** The zh or en name of a key of one of the shared tables (states, natures, stages …). */
export function named(table: Record<string, { zh: string; en: string }>, key: string, lang: Lang): string {
  const entry = table[key];
  return entry ? entry[lang] : key;
}

export const STATE_COLORS: Record<CaseState, string> = {
  pending_dispatch: 'orange',
  assigned: 'blue',
  accepted: 'geekblue',
  rejected: 'red',
  handled: 'cyan',
  rework: 'volcano',
  pending_archive: 'purple',
  archived: 'green',
  voided: 'default',
};

export function StateTag({ state }: { state: string }) {
  const { lang } = useI18n();
  return (
    <Tag color={STATE_COLORS[state as CaseState] ?? 'default'} data-testid="state-tag">
      {named(CASE_STATES, state, lang)}
    </Tag>
  );
}

export function UrgencyTag({ urgency }: { urgency: string }) {
  const { lang } = useI18n();
  if (urgency !== 'urgent') return null;
  return <Tag color="magenta">{named(URGENCIES, urgency, lang)}</Tag>;
}

/** The name of a timeline action: the server sends Chinese; English comes from the shared table. */
export function actionName(action: string, zhName: string, lang: Lang): string {
  return lang === 'zh' ? zhName : named(CASE_ACTIONS, action, lang);
}

/** Who did a step: citizens and the open API are recorded by a technical name. */
export function actorLabel(name: string, t: ReturnType<typeof useI18n>['t']): string {
  if (name === 'public') return t('case.actor.public');
  return name;
}

export const fmtTime = (iso: string | null | undefined) =>
  iso ? dayjs(iso).format('YYYY-MM-DD HH:mm') : '—';

/** "2 days 3 h" style span of minutes of clock time. */
export function spanText(minutes: number, t: ReturnType<typeof useI18n>['t']): string {
  const m = Math.max(0, Math.round(minutes));
  const d = Math.floor(m / 1440);
  const h = Math.floor((m % 1440) / 60);
  const min = m % 60;
  const parts: string[] = [];
  if (d) parts.push(t('case.span.days', { n: d }));
  if (h) parts.push(t('case.span.hours', { n: h }));
  if (!d && (min || !h)) parts.push(t('case.span.minutes', { n: min }));
  return parts.join(' ');
}

/** Working minutes as working days, hours and minutes (a working day of `dayMinutes`). */
export function workingText(minutes: number, dayMinutes: number, t: ReturnType<typeof useI18n>['t']): string {
  const d = Math.floor(minutes / dayMinutes);
  const rest = minutes - d * dayMinutes;
  const h = Math.floor(rest / 60);
  const min = rest % 60;
  const parts: string[] = [];
  if (d) parts.push(t('case.span.workdays', { n: d }));
  if (h) parts.push(t('case.span.hours', { n: h }));
  if (min || parts.length === 0) parts.push(t('case.span.minutes', { n: min }));
  return parts.join(' ');
}

/** Re-renders every `ms` so countdowns move. */
export function useNow(ms = 30_000): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = window.setInterval(() => setNow(Date.now()), ms);
    return () => window.clearInterval(timer);
  }, [ms]);
  return now;
}

/** Time left on the running clock, or how long it is overdue (red). */
export function Countdown({ dueAt, parked }: { dueAt: string | null; parked?: boolean }) {
  const { t } = useI18n();
  const now = useNow();
  if (!dueAt) return <span>—</span>;
  const left = (dayjs(dueAt).valueOf() - now) / 60_000;
  const title = fmtTime(dueAt);
  if (parked)
    return (
      <Tooltip title={title}>
        <Tag>{t('case.parked')}</Tag>
      </Tooltip>
    );
  return (
    <Tooltip title={title}>
      {left < 0 ? (
        <Tag color="red" data-testid="countdown">
          {t('case.overdueBy', { span: spanText(-left, t) })}
        </Tag>
      ) : (
        <Tag color={left < 120 ? 'orange' : 'default'} data-testid="countdown">
          {t('case.timeLeft', { span: spanText(left, t) })}
        </Tag>
      )}
    </Tooltip>
  );
}

/** Category names in the UI language. */
export function categoryName(c: { name: string; nameEn: string }, lang: Lang): string {
  return lang === 'zh' ? c.name : c.nameEn || c.name;
}

export interface TreeOption {
  value: number;
  title: string;
  disabled?: boolean;
  children?: TreeOption[];
}

/** The category list as a tree for TreeSelect. */
export function categoryTree(
  categories: { id: number; parentId: number | null; name: string; nameEn: string; active?: boolean }[],
  lang: Lang,
  activeOnly = true,
): TreeOption[] {
  const list = activeOnly ? categories.filter((c) => c.active !== false) : categories;
  const byParent = new Map<number | null, typeof list>();
  for (const c of list) byParent.set(c.parentId, [...(byParent.get(c.parentId) ?? []), c]);
  const build = (parent: number | null): TreeOption[] =>
    (byParent.get(parent) ?? []).map((c) => {
      const children = build(c.id);
      return { value: c.id, title: categoryName(c, lang), ...(children.length ? { children } : {}) };
    });
  return build(null);
}

const NONE: never[] = [];

/** The desk's category list, shared by every page through the query cache. */
export function useCategories(): CaseCategory[] {
  return useApi<CaseCategory[]>('/api/case-categories', { staleTime: 5 * 60_000 }).data ?? NONE;
}

export function useDepartments(): Department[] {
  return useApi<Department[]>('/api/departments', { staleTime: 5 * 60_000 }).data ?? NONE;
}
