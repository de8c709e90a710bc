/**
 * Benchmark harness: `npm run bench` runs every benchmark, `npm run bench -- NAME` the ones whose
 * name starts with NAME. Each figure is printed as one JSON line:
 *   {"bench": "area.name", "value": n, "unit": "...", "baseline": n, "ratio": n}
 * `baseline` is measured in the same run where a benchmark has one; `ratio` = value / baseline.
 * Progress goes to stderr, so stdout is machine-readable.
 */
import { appStart } from './bench/app-start.ts';
import { caseIntake, caseSweep } from './bench/case-intake.ts';
import { gridImport } from './bench/grid-import.ts';
import { gridLookup } from './bench/grid-lookup.ts';
import { ledgerImport } from './bench/ledger-import.ts';
import { webPages } from './bench/web.ts';

export interface Figure {
  bench: string;
  value: number;
  unit: string;
  baseline?: number;
}

export interface Benchmark {
  /** Names of the figures it produces. */
  names: string[];
  run(): Promise<Figure[]>;
}

const benchmarks: Benchmark[] = [
  appStart,
  gridLookup,
  gridImport,
  caseIntake,
  caseSweep,
  ledgerImport,
  webPages,
];

const round = (n: number) => Math.round(n * 1000) / 1000;

async function main(): Promise<void> {
  const filters = process.argv.slice(2).filter((a) => !a.startsWith('-'));
  const selected = benchmarks.filter(
    (b) =>
      filters.length === 0 ||
      b.names.some((name) =>
        filters.some((f) => name === f || name.startsWith(`${f}.`) || name.startsWith(f)),
      ),
  );
  if (selected.length === 0) {
    console.error(
      `no benchmark matches ${filters.join(', ')}; known: ${benchmarks.flatMap((b) => b.names).join(', ')}`,
    );
    process.exit(2);
  }
  for (const benchmark of selected) {
    for (const figure of await benchmark.run()) {
      if (filters.length && !filters.some((f) => figure.bench === f || figure.bench.startsWith(f))) continue;
      const line: Record<string, unknown> = {
        bench: figure.bench,
        value: round(figure.value),
        unit: figure.unit,
      };
      if (figure.baseline !== undefined) {
        line.baseline = round(figure.baseline);
        line.ratio = round(figure.value / figure.baseline);
      }
      console.log(JSON.stringify(line));
    }
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
