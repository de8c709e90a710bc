import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import { ensureSchemes } from '../../packages/server/src/bootstrap.ts';
import type { Database } from '../../packages/server/src/core/db/database.ts';
import { commitLedger } from '../../packages/server/src/core/ledger/import.ts';
import { writeLedger } from '../../packages/server/src/core/ledger/ledger.ts';
import { FieldCipher } from '../../packages/server/src/core/pii/crypto.ts';
import { PersonalData } from '../../packages/server/src/core/pii/personal.ts';
import type { Principal } from '../../packages/server/src/core/access/principal.ts';
import { migrateToLatest } from '../../packages/server/src/migrations/index.ts';
import { insertGridNode } from '../../packages/server/src/modules/grid/grid.repository.ts';
import { ROSTER, rosterImport, type RosterLine } from '../../packages/server/src/modules/org/roster.ts';
import type { Benchmark, Figure } from '../bench.ts';
import { onServer } from './case-intake.ts';

const ROWS = 100_000;
const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];

/** A resident ID number with a correct GB 11643 check digit. */
function residentId(i: number): string {
  // A birth date per thousand rows and a sequence within it: unique for each i.
  const born = new Date(Date.UTC(1960, 0, 1) + Math.floor(i / 1000) * 86_400_000);
  const ymd = born.toISOString().slice(0, 10).replaceAll('-', '');
  const body = `330523${ymd}${String(i % 1000).padStart(3, '0')}`;
  const sum = [...body].reduce((s, d, k) => s + Number(d) * WEIGHTS[k]!, 0);
  return body + '10X98765432'[sum % 11]!;
}

async function measure(database: Database): Promise<Figure[]> {
  const db = database.db;
  await migrateToLatest(db);
  await ensureSchemes(db);
  const county = await insertGridNode(db, { parentId: null, kind: 'county', name: '压测县', code: '330523' });
  const codes: string[] = [];
  for (let v = 0; v < 200; v++) {
    const code = `330523101${String(v).padStart(3, '0')}`;
    await insertGridNode(db, { parentId: county.id, kind: 'village', name: `村${v}`, code });
    codes.push(code);
  }
  // The roster as a township keeps it: every second person with an ID number.
  const lines: RosterLine[] = Array.from({ length: ROWS }, (_, i) => ({
    name: `网格员${i}`,
    phone: `13${String(100_000_000 + i).slice(0, 9)}`,
    idNumber: i % 2 === 0 ? residentId(i) : null,
    gridCode: codes[i % codes.length]!,
    role: 'member',
    startDate: '2026-03-01',
    organisation: null,
  }));
  console.error(`ledger.import.roster: writing a workbook of ${ROWS} rows…`);
  const file = await writeLedger(ROSTER, lines);
  const personal = new PersonalData(new FieldCipher(randomBytes(32)));
  const principal = { userId: 0, scopePaths: ['/'], permissions: new Set() } as unknown as Principal;

  // Baseline: the same people and duties by bare multi-row inserts, 1,000 a statement.
  const base = performance.now();
  for (let i = 0; i < ROWS; i += 1000) {
    const batch = lines.slice(i, i + 1000);
    await sql`with p as (insert into person (name, phone_enc, phone_hash)
        select * from unnest(${batch.map((l) => l.name)}::text[], ${batch.map((l) => l.phone)}::text[],
                              ${batch.map((l) => `b${l.phone}`)}::text[]) returning id)
      insert into duty (person_id, node_id, role, valid_from) select id, ${county.id}, 'member', '2026-03-01' from p`.execute(
      db,
    );
  }
  const baselineRate = ROWS / ((performance.now() - base) / 1000);
  await sql`truncate duty, person restart identity cascade`.execute(db);

  let peak = process.memoryUsage().rss;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 50);
  const started = performance.now();
  let last = 0;
  const result = await commitLedger(
    db,
    rosterImport(principal, personal, 'Asia/Shanghai'),
    file,
    (done, total) => {
      if (performance.now() - last > 10_000) {
        last = performance.now();
        console.error(`ledger.import.roster: ${done}/${total}`);
      }
    },
  );
  const seconds = (performance.now() - started) / 1000;
  clearInterval(sampler);
  if (result.created !== ROWS) throw new Error(`roster import created ${result.created} of ${ROWS}`);
  console.error(
    `ledger.import.roster: ${ROWS} rows in ${seconds.toFixed(1)} s, peak RSS ${(peak / 2 ** 20).toFixed(0)} MB`,
  );
  return [
    { bench: 'ledger.import.roster', value: ROWS / seconds, unit: 'rows/s', baseline: baselineRate },
    { bench: 'ledger.import.roster_rss', value: peak / 2 ** 20, unit: 'MB' },
  ];
}

export const ledgerImport: Benchmark = {
  names: ['ledger.import.roster', 'ledger.import.roster_rss'],
  run: () => onServer(measure),
};
