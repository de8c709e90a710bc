import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { LoginResult } from '@wangge/shared';
import { describe, expect, it } from 'vitest';
import { auditCatalog } from './app.ts';
import { caseWorkflow, type CaseWorkflowDeps } from './modules/case/case.workflow.ts';

/**
 * Every action written into the audit log has a name in both languages, declared by its module
 * (or the kernel), and every kind of target is declared: read from the sources, so an action
 * added anywhere without a label fails here, whether or not a test ever writes it.
 */
const src = path.dirname(fileURLToPath(import.meta.url));
const sources = fs
  .readdirSync(src, { recursive: true, encoding: 'utf8' })
  .filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts') && !f.endsWith('.d.ts'))
  .map((f) => ({ file: f, text: fs.readFileSync(path.join(src, f), 'utf8') }));

/** The workflows on the kernel's engine (a test of `new Workflow(` below keeps the list whole). */
const WORKFLOWS = [caseWorkflow({} as CaseWorkflowDeps)];

/** The kinds of the importable ledgers (`ledgerRoutes({ kind })`), each auditing `<kind>.import`. */
const ledgerKinds = sources.flatMap((s) =>
  [...s.text.matchAll(/ledgerRoutes\(\{[^}]*?\bkind:\s*'([^']+)'/g)].map((m) => m[1]!),
);

/**
 * The actions written with a computed name, by the expression that computes them, and every
 * name each may give. A new computed action name fails the test until it is listed here.
 */
const COMPUTED_ACTIONS: Record<string, () => string[]> = {
  'auth.${result}': () => LoginResult.anyOf.map((r) => `auth.${String(r.const)}`),
  'case.rule.${action}': () => ['create', 'update', 'delete'].map((a) => `case.rule.${a}`),
  '${opts.kind}.import': () => ledgerKinds.map((k) => `${k}.import`),
  // The engine's default `<kind>.<action>` (an action may name its entry itself: scanned as literal).
  '${spec.kind}.${action}': () =>
    WORKFLOWS.flatMap((w) => Object.keys(w.actions).map((a) => `${w.kind}.${a}`)),
};

/** Kinds of target given as an expression: the ledger's kind, the workflow's kind. */
const COMPUTED_TARGETS: Record<string, () => string[]> = {
  'opts.kind': () => ledgerKinds,
  'spec.kind': () => WORKFLOWS.map((w) => w.kind),
  // A reveal's target is the caller's: each caller names it as a literal `{ type: '…' }`.
  'target.type': () => [],
  // Stored entries read back (hashing, listing).
  'e.targetType': () => [],
  'row.target_type': () => [],
  'r.target_type': () => [],
};

const AUDIT_KEY = /'([a-z][a-z0-9_]*(?:\.[a-z0-9_]+)+)'/g;

/** What the sources write as audit actions and target kinds, with where. */
function written() {
  const actions = new Map<string, string>();
  const targets = new Map<string, string>();
  const unknown: string[] = [];
  for (const { file, text } of sources) {
    const lines = text.split('\n');
    lines.forEach((line, i) => {
      const where = `${file}:${i + 1}`;
      const action = /\baction:\s*(.+)$/.exec(line)?.[1];
      if (action) {
        // Names with a dot are audit actions (timeline actions have none).
        for (const m of action.matchAll(AUDIT_KEY)) actions.set(m[1]!, where);
        for (const m of action.matchAll(/`([^`]*\$\{[^`]*)`/g)) {
          const expand = COMPUTED_ACTIONS[m[1]!];
          if (!expand) unknown.push(`${where}: action \`${m[1]}\``);
          else for (const a of expand()) actions.set(a, where);
        }
      }
      const target = /\btargetType:\s*([^,}]+)/.exec(line)?.[1]?.trim();
      if (target) {
        const literal = /^'([^']+)'$/.exec(target)?.[1];
        if (literal) targets.set(literal, where);
        else if (/^[a-z][\w.]*$/i.test(target)) {
          const expand = COMPUTED_TARGETS[target];
          if (!expand) unknown.push(`${where}: targetType ${target}`);
          else for (const t of expand()) targets.set(t, where);
        }
      }
    });
  }
  return { actions, targets, unknown };
}

describe('audit log labels', () => {
  const catalog = auditCatalog();
  const found = written();

  it('reads the sources (the checks below are not vacuous)', () => {
    expect(found.actions.size).toBeGreaterThan(60);
    expect(found.actions.has('auth.rate_limited')).toBe(true);
    expect(found.actions.has('case.dispatch')).toBe(true);
    expect(found.actions.has('duty.roster.import')).toBe(true);
    expect(found.actions.has('case.visit_satisfied')).toBe(true);
    expect(found.targets.has('case')).toBe(true);
  });

  it('names every action written anywhere, in Chinese and English', () => {
    const missing = [...found.actions]
      .filter(([action]) => !catalog.action(action))
      .map(([action, where]) => `${action} (${where})`);
    expect(missing, "declare them in the owning module's *.audit.ts").toEqual([]);
  });

  it('names every kind of target written anywhere', () => {
    const missing = [...found.targets]
      .filter(([type]) => !catalog.target(type))
      .map(([type, where]) => `${type} (${where})`);
    expect(missing, "declare them in the owning module's *.audit.ts").toEqual([]);
  });

  it('knows every computed action name and target kind', () => {
    expect(found.unknown).toEqual([]);
  });

  it('lists every workflow on the engine', () => {
    const engines = sources.flatMap((s) => [...s.text.matchAll(/new Workflow\(/g)]);
    expect(engines).toHaveLength(WORKFLOWS.length);
  });

  it('gives every label a Chinese and an English name', () => {
    const { actions, targets } = catalog.list();
    for (const l of [...actions, ...targets]) {
      expect(l.zh, JSON.stringify(l)).toMatch(/\p{Script=Han}/u);
      expect(l.en, JSON.stringify(l)).toMatch(/^[A-Z][\x20-\x7e]*$/);
    }
  });
});
