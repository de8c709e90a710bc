import type { Kysely, Migration } from 'kysely';
import { runMigrations } from '../core/db/migrate.ts';
import * as scheduleClaim from '../core/schedule/schedule.migration.ts';
import * as m20261122T1000 from './2026-11-22T1000_foundation.ts';
import * as m20261122T1100 from './2026-11-22T1100_grid_tree.ts';
import * as m20261122T1200 from './2026-11-22T1200_single_divisions_root.ts';
import * as m20261122T1300 from './2026-11-22T1300_cases.ts';
import * as m20261122T1310 from './2026-11-22T1310_calendar.ts';
import * as m20261122T1320 from './2026-11-22T1320_notify.ts';
import * as m20261122T1330 from './2026-11-22T1330_audit_sealing.ts';
import * as m20261201T1000 from './2026-12-01T1000_change_notify.ts';
import * as m20261202T1000 from './2026-12-02T1000_quiet_session_touch.ts';
import * as m20261207T1000 from './2026-12-07T1000_timeline.ts';
import * as m20261207T1100 from './2026-12-07T1100_clocks.ts';
import * as m20261207T1200 from './2026-12-07T1200_person_id_number.ts';
import * as m20261208T1000 from './2026-12-08T1000_case_supervision.ts';
import * as m20261208T1100 from './2026-12-08T1100_grid_department.ts';
import * as m20261208T1300 from './2026-12-08T1300_case_citizen.ts';

/** Every migration, keyed by its timestamped name; Kysely applies them in name order. */
export const migrations: Record<string, Migration> = {
  '2026-11-22T1000_foundation': m20261122T1000,
  '2026-11-22T1100_grid_tree': m20261122T1100,
  '2026-11-22T1200_single_divisions_root': m20261122T1200,
  '2026-11-22T1300_cases': m20261122T1300,
  '2026-11-22T1310_calendar': m20261122T1310,
  '2026-11-22T1320_notify': m20261122T1320,
  '2026-11-22T1330_audit_sealing': m20261122T1330,
  '2026-12-01T1000_change_notify': m20261201T1000,
  '2026-12-02T1000_quiet_session_touch': m20261202T1000,
  '2026-12-06T1000_schedule_claim': scheduleClaim,
  '2026-12-07T1000_timeline': m20261207T1000,
  '2026-12-07T1100_clocks': m20261207T1100,
  '2026-12-07T1200_person_id_number': m20261207T1200,
  '2026-12-08T1000_case_supervision': m20261208T1000,
  '2026-12-08T1100_grid_department': m20261208T1100,
  '2026-12-08T1300_case_citizen': m20261208T1300,
};

/** Brings the schema to the latest version (every migration above). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations run on an untyped schema
export function migrateToLatest(db: Kysely<any>): Promise<string[]> {
  return runMigrations(db, migrations);
}
