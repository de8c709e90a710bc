import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testEngines } from '../../../test/engines.ts';
import { migrateToLatest } from '../../migrations/index.ts';
import type { Database } from '../db/database.ts';
import { claimOnce } from './claims.ts';

describe.each(testEngines())('once-per-period claims on $name', (engine) => {
  let database: Database;
  let second: Database | null = null;
  beforeAll(async () => {
    database = await engine.open();
    await migrateToLatest(database.db);
    if (engine.openAgain) second = await engine.openAgain(database);
  });
  afterAll(async () => {
    await second?.close();
    await database.close();
  });

  it('gives a (key, period) to exactly one of many concurrent callers', async () => {
    const results = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        claimOnce((i % 2 && second ? second : database).db, 'report.monthly', '2026-12', `instance ${i % 2}`),
      ),
    );
    expect(results.filter(Boolean)).toHaveLength(1);
    expect(await claimOnce(database.db, 'report.monthly', '2026-12')).toBe(false);
    // Another period, another key: claims of their own.
    expect(await claimOnce(database.db, 'report.monthly', '2027-01')).toBe(true);
    expect(await claimOnce(database.db, 'report.weekly', '2026-12')).toBe(true);
  });

  it('stands or falls with the transaction that claimed it', async () => {
    await expect(
      database.db.transaction().execute(async (trx) => {
        expect(await claimOnce(trx, 'purge', '2026-12-06')).toBe(true);
        throw new Error('the work failed');
      }),
    ).rejects.toThrow('the work failed');
    expect(await claimOnce(database.db, 'purge', '2026-12-06')).toBe(true);
  });
});
