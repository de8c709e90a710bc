/**
 * The national holiday arrangements shipped with the working-time calendar (工作日历).
 *
 * - `holiday`: a day off, including the weekend days inside a holiday block;
 * - `workday`: a make-up working day (调休上班) on a weekend.
 *
 * Days without an entry follow the week: Monday to Friday are working days. The server copies a
 * year into the `calendar_day` table the first time it ships that year; from then on the
 * administrators' edits are the truth (see CalendarService.ensureShipped).
 */
export type CalendarDayKind = 'holiday' | 'workday';

export const CALENDAR_DAY_KINDS: readonly CalendarDayKind[] = ['holiday', 'workday'];

export const CALENDAR_DAY_KIND_NAMES: Record<CalendarDayKind, { zh: string; en: string }> = {
  holiday: { zh: '放假', en: 'Day off' },
  workday: { zh: '调休上班', en: 'Make-up working day' },
};

export interface ShippedCalendarDay {
  /** YYYY-MM-DD, in the deployment's time zone. */
  date: string;
  kind: CalendarDayKind;
  name: string;
}

/**
 * 2026: 国务院办公厅关于2026年部分节假日安排的通知（国办发明电〔2025〕7号，2025年11月4日）,
 * https://www.gov.cn/zhengce/content/202511/content_7047090.htm — checked against the text
 * published by Xinhua and the data of the chinese-days package (1.5.7).
 */
export const HOLIDAYS_2026: readonly ShippedCalendarDay[] = [
  // 元旦：1月1日（周四）至3日（周六）放假调休，共3天。1月4日（周日）上班。
  { date: '2026-01-01', kind: 'holiday', name: '元旦' },
  { date: '2026-01-02', kind: 'holiday', name: '元旦' },
  { date: '2026-01-03', kind: 'holiday', name: '元旦' },
  { date: '2026-01-04', kind: 'workday', name: '元旦调休上班' },
  // 春节：2月15日（周日）至23日（周一）放假调休，共9天。2月14日（周六）、2月28日（周六）上班。
  { date: '2026-02-14', kind: 'workday', name: '春节调休上班' },
  { date: '2026-02-15', kind: 'holiday', name: '春节' },
  { date: '2026-02-16', kind: 'holiday', name: '春节' },
  { date: '2026-02-17', kind: 'holiday', name: '春节' },
  { date: '2026-02-18', kind: 'holiday', name: '春节' },
  { date: '2026-02-19', kind: 'holiday', name: '春节' },
  { date: '2026-02-20', kind: 'holiday', name: '春节' },
  { date: '2026-02-21', kind: 'holiday', name: '春节' },
  { date: '2026-02-22', kind: 'holiday', name: '春节' },
  { date: '2026-02-23', kind: 'holiday', name: '春节' },
  { date: '2026-02-28', kind: 'workday', name: '春节调休上班' },
  // 清明节：4月4日（周六）至6日（周一）放假，共3天。
  { date: '2026-04-04', kind: 'holiday', name: '清明节' },
  { date: '2026-04-05', kind: 'holiday', name: '清明节' },
  { date: '2026-04-06', kind: 'holiday', name: '清明节' },
  // 劳动节：5月1日（周五）至5日（周二）放假调休，共5天。5月9日（周六）上班。
  { date: '2026-05-01', kind: 'holiday', name: '劳动节' },
  { date: '2026-05-02', kind: 'holiday', name: '劳动节' },
  { date: '2026-05-03', kind: 'holiday', name: '劳动节' },
  { date: '2026-05-04', kind: 'holiday', name: '劳动节' },
  { date: '2026-05-05', kind: 'holiday', name: '劳动节' },
  { date: '2026-05-09', kind: 'workday', name: '劳动节调休上班' },
  // 端午节：6月19日（周五）至21日（周日）放假，共3天。
  { date: '2026-06-19', kind: 'holiday', name: '端午节' },
  { date: '2026-06-20', kind: 'holiday', name: '端午节' },
  { date: '2026-06-21', kind: 'holiday', name: '端午节' },
  // 中秋节：9月25日（周五）至27日（周日）放假，共3天。
  { date: '2026-09-25', kind: 'holiday', name: '中秋节' },
  { date: '2026-09-26', kind: 'holiday', name: '中秋节' },
  { date: '2026-09-27', kind: 'holiday', name: '中秋节' },
  // 国庆节：10月1日（周四）至7日（周三）放假调休，共7天。9月20日（周日）、10月10日（周六）上班。
  { date: '2026-09-20', kind: 'workday', name: '国庆节调休上班' },
  { date: '2026-10-01', kind: 'holiday', name: '国庆节' },
  { date: '2026-10-02', kind: 'holiday', name: '国庆节' },
  { date: '2026-10-03', kind: 'holiday', name: '国庆节' },
  { date: '2026-10-04', kind: 'holiday', name: '国庆节' },
  { date: '2026-10-05', kind: 'holiday', name: '国庆节' },
  { date: '2026-10-06', kind: 'holiday', name: '国庆节' },
  { date: '2026-10-07', kind: 'holiday', name: '国庆节' },
  { date: '2026-10-10', kind: 'workday', name: '国庆节调休上班' },
];

/**
 * 2027: statutory days; make-up days to be entered when the State Council publishes the
 * arrangement.
 *
 * No State Council notice for 2027 could be confirmed when this list was written, so it holds
 * only the days fixed by the 全国年节及纪念日放假办法 (2024 revision: 元旦 1 day, 春节 4 days from
 * 除夕, 清明节 1 day, 劳动节 2 days, 端午节 1 day, 中秋节 1 day, 国庆节 3 days) for the 2027 lunar
 * and solar-term dates (除夕 2月5日, 正月初一 2月6日, 清明 4月5日, 端午 6月9日, 中秋 9月15日),
 * plus the weekend days adjoining them. The law's 补假 for holidays that fall on a weekend
 * (春节 2月6日–7日, 劳动节 5月1日–2日, 国庆节 10月2日–3日) and any 调休上班 days are set by the
 * yearly notice and are deliberately not guessed here.
 */
export const HOLIDAYS_2027: readonly ShippedCalendarDay[] = [
  // 元旦：1月1日（周五），与周末相连。
  { date: '2027-01-01', kind: 'holiday', name: '元旦' },
  { date: '2027-01-02', kind: 'holiday', name: '元旦' },
  { date: '2027-01-03', kind: 'holiday', name: '元旦' },
  // 春节：除夕2月5日（周五）至正月初三2月8日（周一）。
  { date: '2027-02-05', kind: 'holiday', name: '春节' },
  { date: '2027-02-06', kind: 'holiday', name: '春节' },
  { date: '2027-02-07', kind: 'holiday', name: '春节' },
  { date: '2027-02-08', kind: 'holiday', name: '春节' },
  // 清明节：4月5日（周一），与周末相连。
  { date: '2027-04-03', kind: 'holiday', name: '清明节' },
  { date: '2027-04-04', kind: 'holiday', name: '清明节' },
  { date: '2027-04-05', kind: 'holiday', name: '清明节' },
  // 劳动节：5月1日（周六）、2日（周日）。
  { date: '2027-05-01', kind: 'holiday', name: '劳动节' },
  { date: '2027-05-02', kind: 'holiday', name: '劳动节' },
  // 端午节：6月9日（周三）。
  { date: '2027-06-09', kind: 'holiday', name: '端午节' },
  // 中秋节：9月15日（周三）。
  { date: '2027-09-15', kind: 'holiday', name: '中秋节' },
  // 国庆节：10月1日（周五）至3日（周日）。
  { date: '2027-10-01', kind: 'holiday', name: '国庆节' },
  { date: '2027-10-02', kind: 'holiday', name: '国庆节' },
  { date: '2027-10-03', kind: 'holiday', name: '国庆节' },
];

/** Every shipped year, by year. A year is copied into the database once (calendar.shipped). */
export const SHIPPED_HOLIDAYS: Readonly<Record<number, readonly ShippedCalendarDay[]>> = {
  2026: HOLIDAYS_2026,
  2027: HOLIDAYS_2027,
};
