import { Migrator, type Kysely } from 'kysely';
import { migrations } from './migrations/index.ts';

/**
 * Brings the schema to the latest version. Kysely's migrator takes a PostgreSQL advisory lock
 * for the whole run, so several server processes starting at once migrate exactly once.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations run on an untyped schema
export async function migrateToLatest(db: Kysely<any>): Promise<string[]> {
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
