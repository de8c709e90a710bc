import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/** The server's layering, read from the import statements of its source files. */
const src = path.dirname(fileURLToPath(import.meta.url));

interface Edge {
  from: string;
  to: string;
}

function sourceFiles(dir: string): string[] {
  return fs
    .readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts') && !f.endsWith('.d.ts'))
    .map((f) => path.join(dir, f));
}

/** Every relative import (value or type) of every non-test source file, as paths under src. */
function imports(): Edge[] {
  const edges: Edge[] = [];
  const pattern =
    /(?:^|\n)\s*(?:import|export)\b[^'"]*?\bfrom\s*['"](\.{1,2}\/[^'"]+)['"]|import\(\s*['"](\.{1,2}\/[^'"]+)['"]/g;
  for (const file of sourceFiles(src)) {
    const text = fs.readFileSync(file, 'utf8');
    for (const m of text.matchAll(pattern)) {
      const spec = m[1] ?? m[2]!;
      edges.push({
        from: path.relative(src, file),
        to: path.relative(src, path.resolve(path.dirname(file), spec)),
      });
    }
  }
  return edges;
}

const moduleOf = (p: string): string | null => /^modules\/([^/]+)\//.exec(p)?.[1] ?? null;

describe('server layering', () => {
  const edges = imports();

  it('reads the imports (the check below is not vacuous)', () => {
    expect(edges.some((e) => e.from.startsWith('core/'))).toBe(true);
    expect(edges.some((e) => moduleOf(e.from) && moduleOf(e.to) && moduleOf(e.from) !== moduleOf(e.to))).toBe(
      true,
    );
  });

  it('the kernel (core/) imports nothing outside itself', () => {
    const outward = edges.filter((e) => e.from.startsWith('core/') && !e.to.startsWith('core/'));
    expect(outward).toEqual([]);
  });

  it('modules depend on each other without a cycle', () => {
    const graph = new Map<string, Set<string>>();
    for (const e of edges) {
      const a = moduleOf(e.from);
      const b = moduleOf(e.to);
      if (a && b && a !== b) graph.set(a, (graph.get(a) ?? new Set()).add(b));
    }
    const cycles: string[] = [];
    const state = new Map<string, 'open' | 'done'>();
    const visit = (m: string, trail: string[]): void => {
      if (state.get(m) === 'done') return;
      if (state.get(m) === 'open') {
        cycles.push([...trail.slice(trail.indexOf(m)), m].join(' → '));
        return;
      }
      state.set(m, 'open');
      for (const n of graph.get(m) ?? []) visit(n, [...trail, m]);
      state.set(m, 'done');
    };
    for (const m of graph.keys()) visit(m, []);
    expect(cycles).toEqual([]);
  });

  it('modules do not import the composition root (but its config), the demo generator or the migration history', () => {
    const upward = edges.filter(
      (e) =>
        moduleOf(e.from) &&
        ((!e.to.includes('/') && e.to !== 'config.ts') ||
          e.to.startsWith('demo/') ||
          e.to.startsWith('migrations/')),
    );
    expect(upward).toEqual([]);
  });

  it('tests that open a database, a server or a browser are named for the slow tier', () => {
    const packages = path.resolve(src, '../..');
    const misnamed = fs
      .readdirSync(packages, { recursive: true, encoding: 'utf8' })
      .filter((f) => /\/src\/.*\.test\.tsx?$/.test(f) && !f.includes('node_modules'))
      .filter((f) => !/\.(db|http)\.test\.tsx?$/.test(f))
      .filter((f) =>
        /import [^;]*\b(testEngines|buildApp|openPglite|openPostgres|chromium)\b/.test(
          fs.readFileSync(path.join(packages, f), 'utf8'),
        ),
      );
    expect(misnamed).toEqual([]);
  });

  it('keeps SQL out of routes: route files call services and repositories', () => {
    const withSql = sourceFiles(src)
      .filter((f) => f.endsWith('.routes.ts'))
      .filter((f) =>
        /\.(selectFrom|insertInto|updateTable|deleteFrom)\(|\bsql`/.test(fs.readFileSync(f, 'utf8')),
      )
      .map((f) => path.relative(src, f));
    expect(withSql).toEqual([]);
  });

  it('keeps every source file under 600 lines (message catalogues aside)', () => {
    const packages = path.resolve(src, '../..');
    const long = fs
      .readdirSync(packages, { recursive: true, encoding: 'utf8' })
      .filter((f) => /\.tsx?$/.test(f) && !f.endsWith('.d.ts') && !f.endsWith('.test.ts'))
      .map((f) => path.join(packages, f))
      .filter((f) => !f.includes('node_modules') && !f.includes('/dist/') && /\/src\//.test(f))
      .filter((f) => !/messages\.ts$/.test(f))
      .map((f) => ({
        file: path.relative(path.resolve(src, '../..'), f),
        lines: fs.readFileSync(f, 'utf8').trimEnd().split('\n').length,
      }))
      .filter((f) => f.lines > 600);
    expect(long).toEqual([]);
  });
});
