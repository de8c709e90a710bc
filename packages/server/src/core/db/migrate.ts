import { Migrator, type Kysely, type Migration } from 'kysely';

/**
 * Brings the schema to the latest version of `migrations` (keyed by timestamped name, applied in
 * name order). Kysely's migrator takes a PostgreSQL advisory lock for the whole run, so several
 * server processes starting at once migrate exactly once.
 */
export async function runMigrations(
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations run on an untyped schema
  db: Kysely<any>,
  migrations: Record<string, Migration>,
): Promise<string[]> {
  const migrator = new Migrator({
    db,
    provider: { getMigrations: async () => migrations },
  });
  const { error, results } = await migrator.migrateToLatest();
  const failed = results?.find((r) => r.status === 'Error');
  if (error || failed) {
    const reason = error instanceof Error ? error.message : String(error ?? failed?.migrationName);
    throw new Error(`数据库迁移失败 (migration failed): ${reason}`, { cause: error });
  }
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}
