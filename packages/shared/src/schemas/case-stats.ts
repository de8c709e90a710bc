import { Type, type Static } from 'typebox';
import { CaseChannelSchema } from './case.ts';

/** The periods of the work dashboard, on the work time zone's calendar (a week starts on Monday). */
export const STATS_PERIODS = {
  today: { zh: '今日', en: 'Today' },
  week: { zh: '本周', en: 'This week' },
  month: { zh: '本月', en: 'This month' },
} as const;
export type StatsPeriod = keyof typeof STATS_PERIODS;

/** Days the trend chart covers, ending today. */
export const STATS_TREND_DAYS = 30;

/** The to-dos of the work dashboard, in the order shown. */
export const TODO_KEYS = [
  'dispatch',
  'accept',
  'feedback',
  'visit',
  'archive',
  'dueSoon',
  'overdue',
] as const;
export type TodoKey = (typeof TODO_KEYS)[number];

const DateOnly = () => Type.String({ format: 'date' });
const Rate = () =>
  Type.Union([Type.Number(), Type.Null()], { description: '0…1; null when nothing to count' });

export const CaseStatsQuery = Type.Object({
  period: Type.Optional(Type.Enum(Object.keys(STATS_PERIODS) as StatsPeriod[], { default: 'month' })),
});
export type CaseStatsQuery = Static<typeof CaseStatsQuery>;

/** A stage done (accepted, fed back) by cases of the period, and how many of them late. */
const StageDone = Type.Object({
  done: Type.Integer(),
  late: Type.Integer(),
  /** Share done on time: (done − late) / done. */
  rate: Rate(),
});

/**
 * The figures of the viewer's scope. Counts over a period are of the cases reported in it (from
 * `from` to `to`, both days included, as the case list's date filter reads them); overdue counts
 * are of now. Every figure is the total of the case list with the matching filters.
 */
export const CaseStats = Type.Object({
  period: Type.Enum(Object.keys(STATS_PERIODS) as StatsPeriod[]),
  from: DateOnly(),
  to: DateOnly(),
  total: Type.Integer(),
  byChannel: Type.Array(Type.Object({ channel: CaseChannelSchema, count: Type.Integer() })),
  /** By top-level category (a category's children counted with it). */
  byCategory: Type.Array(
    Type.Object({ id: Type.Integer(), name: Type.String(), nameEn: Type.String(), count: Type.Integer() }),
  ),
  /**
   * By the area one level below the viewer's scope (the townships of a county); `id` null for
   * cases placed on the scope's own node.
   */
  byArea: Type.Array(
    Type.Object({
      id: Type.Union([Type.Integer(), Type.Null()]),
      name: Type.String(),
      kind: Type.String(),
      count: Type.Integer(),
    }),
  ),
  /** 按时受理: accepted, and whether an acceptance deadline had run out first. */
  acceptance: StageDone,
  /** 按时办结: fed back (or handled on the spot), and whether a handling deadline had run out first. */
  closure: StageDone,
  /** 满意率 from the return visits (the latest visit of each case). */
  satisfaction: Type.Object({
    visited: Type.Integer(),
    satisfied: Type.Integer(),
    unsatisfied: Type.Integer(),
    rate: Rate(),
  }),
  /** 群众满意率 from the citizens' own ratings (the latest round of each case): 满意 and 基本满意 count. */
  citizenRating: Type.Object({
    rated: Type.Integer(),
    satisfied: Type.Integer(),
    basic: Type.Integer(),
    unsatisfied: Type.Integer(),
    rate: Rate(),
  }),
  /** Running clocks past their deadline now (parked ones not counted), by stage. */
  overdue: Type.Object({
    accept: Type.Integer(),
    feedback: Type.Integer(),
    visit: Type.Integer(),
    total: Type.Integer(),
  }),
  /** Cases reported per day over the last STATS_TREND_DAYS days. */
  trend: Type.Array(Type.Object({ date: DateOnly(), count: Type.Integer() })),
  /** Departments by their overdue cases now, most first (at most 10). */
  departmentOverdue: Type.Array(
    Type.Object({ id: Type.Integer(), name: Type.String(), count: Type.Integer() }),
  ),
});
export type CaseStats = Static<typeof CaseStats>;

export const CaseTodos = Type.Object({
  items: Type.Array(
    Type.Object({
      key: Type.Enum([...TODO_KEYS]),
      count: Type.Integer(),
      /** The case list's filters (query string) that list exactly these cases. */
      filter: Type.Record(Type.String(), Type.String()),
    }),
  ),
});
export type CaseTodos = Static<typeof CaseTodos>;
