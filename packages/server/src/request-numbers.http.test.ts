import { PERMISSION_KEYS } from '@wangge/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testEngines } from '../test/engines.ts';
import { buildTerritory, buildUser, createTestApp, login, type TestApp } from '../test/factories.ts';

/**
 * Every number a route takes — query string, path and JSON body, read from the app's own OpenAPI
 * document — gets non-finite and out-of-range values. Nothing may answer 5xx; a value outside
 * the declared bounds is a 400 naming the field. Deterministic: a fixed list of hostile values
 * plus a few drawn from a seeded generator per field.
 */

interface Schema {
  type?: string;
  $ref?: string;
  properties?: Record<string, Schema>;
  patternProperties?: Record<string, Schema>;
  required?: string[];
  items?: Schema;
  minItems?: number;
  minProperties?: number;
  anyOf?: Schema[];
  oneOf?: Schema[];
  allOf?: Schema[];
  enum?: unknown[];
  const?: unknown;
  default?: unknown;
  format?: string;
  pattern?: string;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
}
interface Parameter {
  in: 'query' | 'path' | 'header' | 'cookie';
  name: string;
  required?: boolean;
  schema: Schema;
}
interface Operation {
  parameters?: Parameter[];
  requestBody?: { required?: boolean; content: Record<string, { schema: Schema }> };
}
interface OpenApi {
  paths: Record<string, Record<string, Operation>>;
  components?: { schemas?: Record<string, Schema> };
}

/** A number the request carries, and where. */
interface Target {
  method: string;
  path: string;
  where: 'query' | 'path' | 'body';
  /** Parameter name, or the body field's path (segments). */
  field: string[];
  schema: Schema;
  /** In a union with null: a validator coercing types reads 0 there as null. */
  nullable: boolean;
}

const isNumeric = (s: Schema) => s.type === 'number' || s.type === 'integer';

/** Strings for the patterns the schemas use; the first that fits is taken. */
const STRING_CANDIDATES = [
  'abc',
  'AB20260101000001',
  '000000',
  '01',
  '0101',
  '08:00',
  'A'.repeat(16),
  'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAAB',
];

function sampleString(s: Schema): string {
  if (s.format === 'date') return '2026-03-02';
  if (s.format === 'date-time') return '2026-03-02T01:00:00.000Z';
  if (s.format === 'email') return 'someone@example.com';
  const fits = (v: string) =>
    v.length >= (s.minLength ?? 0) &&
    v.length <= (s.maxLength ?? Infinity) &&
    (!s.pattern || new RegExp(s.pattern, 'u').test(v));
  const found = STRING_CANDIDATES.find(fits) ?? 'a'.repeat(Math.max(s.minLength ?? 0, 3));
  return found;
}

/** The placeholder a body's target field holds until the raw JSON literal replaces it. */
const HOLE = '\u0000hole\u0000';

class Sampler {
  constructor(private readonly doc: OpenApi) {}

  deref(s: Schema): Schema {
    if (!s.$ref) return s;
    const name = s.$ref.replace('#/components/schemas/', '');
    return this.deref(this.doc.components!.schemas![name]!);
  }

  /** Does `path` lead to a numeric field inside `s`? */
  reaches(s: Schema, path: string[]): boolean {
    s = this.deref(s);
    if (path.length === 0) return isNumeric(s);
    const branches = s.anyOf ?? s.oneOf ?? (isNumeric(s) ? undefined : s.allOf);
    if (branches) return branches.some((b) => this.reaches(b, path));
    const [head, ...rest] = path as [string, ...string[]];
    if (s.type === 'array') return head === '0' && !!s.items && this.reaches(s.items, rest);
    const prop = s.properties?.[head];
    if (prop) return this.reaches(prop, rest);
    const patterned = Object.entries(s.patternProperties ?? {}).find(([p]) => new RegExp(p, 'u').test(head));
    return !!patterned && this.reaches(patterned[1], rest);
  }

  /** A valid value of `s`; with `force`, the field at that path is HOLE (containers made to hold it). */
  sample(s: Schema, force: string[] | null = null): unknown {
    s = this.deref(s);
    if (force?.length === 0) return HOLE;
    if (!force && s.default !== undefined) return s.default;
    if (s.const !== undefined) return s.const;
    if (s.enum) return s.enum[0];
    const branches = s.anyOf ?? s.oneOf;
    if (branches) {
      const pick = force
        ? branches.find((b) => this.reaches(b, force))
        : (branches.find((b) => this.deref(b).type !== 'null') ?? branches[0]);
      return this.sample(pick!, force);
    }
    if (s.allOf && !isNumeric(s)) {
      const parts = s.allOf.map((p) => this.sample(p, force && this.reaches(p, force) ? force : null));
      return Object.assign({}, ...parts) as unknown;
    }
    switch (s.type) {
      case 'object':
        return this.sampleObject(s, force);
      case 'array': {
        const count = Math.max(s.minItems ?? 0, force ? 1 : 0);
        return Array.from({ length: count }, (_, i) =>
          this.sample(s.items ?? {}, i === 0 && force ? force.slice(1) : null),
        );
      }
      case 'string':
        return sampleString(s);
      case 'integer':
      case 'number': {
        const v = Math.min(Math.max(1, s.minimum ?? 1), s.maximum ?? 1);
        return s.type === 'integer' ? Math.ceil(v) : v;
      }
      case 'boolean':
        return false;
      case 'null':
        return null;
      default:
        return {};
    }
  }

  private sampleObject(s: Schema, force: string[] | null): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    const required = new Set(s.required ?? []);
    for (const [name, prop] of Object.entries(s.properties ?? {})) {
      if (force?.[0] === name) out[name] = this.sample(prop, force.slice(1));
      else if (required.has(name)) out[name] = this.sample(prop);
    }
    if (force && !(force[0]! in out)) {
      const patterned = Object.entries(s.patternProperties ?? {}).find(([p]) =>
        new RegExp(p, 'u').test(force[0]!),
      );
      if (patterned) out[force[0]!] = this.sample(patterned[1], force.slice(1));
    }
    const first = Object.entries(s.properties ?? {})[0];
    if (Object.keys(out).length < (s.minProperties ?? 0) && first) out[first[0]] = this.sample(first[1]);
    return out;
  }

  /** The numeric fields of a body schema, each by its path (array items as index 0). */
  numericFields(
    s: Schema,
    path: string[] = [],
    nullable = false,
    found: { path: string[]; schema: Schema; nullable: boolean }[] = [],
  ) {
    s = this.deref(s);
    if (isNumeric(s)) {
      if (!found.some((f) => f.path.join('/') === path.join('/'))) found.push({ path, schema: s, nullable });
      return found;
    }
    const union = [...(s.anyOf ?? []), ...(s.oneOf ?? [])];
    const orNull = union.some((b) => this.deref(b).type === 'null');
    for (const b of union) this.numericFields(b, path, orNull, found);
    for (const b of s.allOf ?? []) this.numericFields(b, path, nullable, found);
    for (const [name, prop] of Object.entries(s.properties ?? {}))
      this.numericFields(prop, [...path, name], false, found);
    for (const [pattern, prop] of Object.entries(s.patternProperties ?? {})) {
      const key = STRING_CANDIDATES.concat(['1']).find((c) => new RegExp(pattern, 'u').test(c)) ?? 'x';
      this.numericFields(prop, [...path, key], false, found);
    }
    if (s.type === 'array' && s.items) this.numericFields(s.items, [...path, '0'], false, found);
    return found;
  }
}

function targetsOf(doc: OpenApi, sampler: Sampler): Target[] {
  const targets: Target[] = [];
  for (const [path, operations] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(operations)) {
      for (const p of op.parameters ?? []) {
        const schema = sampler.deref(p.schema);
        if ((p.in === 'query' || p.in === 'path') && isNumeric(schema))
          targets.push({ method, path, where: p.in, field: [p.name], schema, nullable: false });
      }
      const body = op.requestBody?.content['application/json']?.schema;
      if (body)
        for (const f of sampler.numericFields(body))
          targets.push({
            method,
            path,
            where: 'body',
            field: f.path,
            schema: f.schema,
            nullable: f.nullable,
          });
    }
  }
  return targets;
}

/** A seeded generator (mulberry32): the same draws on every run. */
function random(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Numerals no bounded field may take, and some at the edges; as text (query, path, JSON). */
const FIXED = [
  'Infinity',
  '-Infinity',
  'NaN',
  '1e309',
  '-1e309',
  String(2 ** 53),
  '-1',
  '0',
  '9'.repeat(400),
  '1' + '0'.repeat(40),
];

/** The fixed numerals and a few drawn for this field: just past each bound, fractions, overflows. */
function numeralsFor(schema: Schema, draw: () => number): string[] {
  const min = schema.minimum!;
  const max = schema.maximum!;
  const drawn = [
    String(max + 1 + Math.floor(draw() * 1e6)),
    String(min - 1 - Math.floor(draw() * 1e6)),
    `${1 + Math.floor(draw() * 9)}e${309 + Math.floor(draw() * 1000)}`,
    `-${1 + Math.floor(draw() * 9)}e${309 + Math.floor(draw() * 1000)}`,
  ];
  if (schema.type === 'integer') drawn.push(String(min + 0.5));
  return [...FIXED, ...drawn];
}

/** Whether the value a validator reads from `numeral` lies outside the field's schema. */
function outOfBounds({ schema, nullable }: Target, numeral: string): boolean {
  const n = Number(numeral);
  if (nullable && n === 0) return false;
  if (!Number.isFinite(n) || n < schema.minimum! || n > schema.maximum!) return true;
  return schema.type === 'integer' && !Number.isInteger(n);
}

function isJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

describe.each(testEngines())('numbers in every request on $name', (engine) => {
  let t: TestApp;
  let cookie: string;
  let doc: OpenApi;

  beforeAll(async () => {
    t = await createTestApp(await engine.open());
    const territory = await buildTerritory(t.db);
    await t.db
      .insertInto('role')
      .values({
        key: 'everything',
        name: '全部权限',
        name_en: 'Everything',
        builtin: false,
        editable: true,
        permissions: [...PERMISSION_KEYS],
      })
      .execute();
    await buildUser(t, { username: 'root', roles: ['everything'], scopes: [territory.county.id] });
    cookie = await login(t.app, 'root');
    doc = (await t.app.inject({ method: 'GET', url: '/api/openapi.json' })).json<OpenApi>();
  });
  afterAll(() => t.close());

  it('the document bounds every number a request carries with finite limits', () => {
    const targets = targetsOf(doc, new Sampler(doc));
    expect(targets.length).toBeGreaterThan(80);
    const unbounded = targets
      .filter((x) => !Number.isFinite(x.schema.minimum) || !Number.isFinite(x.schema.maximum))
      .map((x) => `${x.method} ${x.path} ${x.where} ${x.field.join('/')}`);
    expect(unbounded).toEqual([]);
  });

  it('no hostile number gets a 5xx; one out of bounds is a 400 naming its field', async () => {
    const sampler = new Sampler(doc);
    const draw = random(20261122);
    const failures: string[] = [];
    const cases = targetsOf(doc, sampler).flatMap((target) =>
      numeralsFor(target.schema, draw).flatMap((numeral) => {
        // In a JSON body a numeral goes as a number and, coerced like a query value, as a string.
        const literals = target.where === 'body' ? [numeral, JSON.stringify(numeral)] : [numeral];
        return literals.map((literal) => ({
          target,
          numeral,
          literal,
          invalid: outOfBounds(target, numeral),
        }));
      }),
    );
    // Refused values first: accepted ones write (settings, splits) and must not hide a refusal.
    cases.sort((a, b) => Number(b.invalid) - Number(a.invalid));

    for (const { target, literal, invalid } of cases) {
      const op = doc.paths[target.path]![target.method]!;
      const params = op.parameters ?? [];
      const url =
        target.path.replace(/\{(\w+)\}/g, (_, name: string) => {
          if (target.where === 'path' && target.field[0] === name) return encodeURIComponent(literal);
          return encodeURIComponent(String(sampler.sample(params.find((p) => p.name === name)!.schema)));
        }) +
        '?' +
        new URLSearchParams(
          params
            .filter((p) => p.in === 'query')
            .flatMap((p): [string, string][] => {
              if (target.where === 'query' && target.field[0] === p.name) return [[p.name, literal]];
              return p.required ? [[p.name, String(sampler.sample(p.schema))]] : [];
            }),
        ).toString();
      const bodySchema = op.requestBody?.content['application/json']?.schema;
      let payload: string | undefined;
      if (target.where === 'body')
        payload = JSON.stringify(sampler.sample(bodySchema!, target.field)).replace(
          JSON.stringify(HOLE),
          literal,
        );
      else if (bodySchema && op.requestBody?.required) payload = JSON.stringify(sampler.sample(bodySchema));

      const res = await t.app.inject({
        method: target.method.toUpperCase() as 'GET',
        url,
        headers: { cookie, ...(payload === undefined ? {} : { 'content-type': 'application/json' }) },
        ...(payload === undefined ? {} : { payload }),
      });
      const where = `${target.method.toUpperCase()} ${target.path} ${target.where} ${target.field.join('/')}=${literal.slice(0, 24)}`;
      if (res.statusCode >= 500) {
        failures.push(`${where}: ${res.statusCode} ${res.body.slice(0, 200)}`);
        continue;
      }
      if (res.statusCode < 400) {
        if (invalid) failures.push(`${where}: accepted (${res.statusCode})`);
        continue;
      }
      const error = res.json<{
        error?: { code?: unknown; message?: unknown; fields?: Record<string, string> };
      }>().error;
      if (typeof error?.code !== 'string' || typeof error.message !== 'string') {
        failures.push(`${where}: ${res.statusCode} without an error body: ${res.body.slice(0, 200)}`);
        continue;
      }
      // A JSON body cannot hold Infinity or NaN: the body is refused as a whole, not the field.
      if (target.where === 'body' && !isJson(literal)) {
        if (res.statusCode !== 400 || error.code !== 'BAD_REQUEST') failures.push(`${where}: ${res.body}`);
        continue;
      }
      // Past the router's limit on a path segment the address is refused before any route.
      if (target.where === 'path' && literal.length > 100) {
        if (res.statusCode !== 400 || error.code !== 'BAD_REQUEST') failures.push(`${where}: ${res.body}`);
        continue;
      }
      if (invalid) {
        const key = target.field.join('/');
        const named = Object.keys(error.fields ?? {}).some((k) => k === key || key.startsWith(`${k}/`));
        if (res.statusCode !== 400 || error.code !== 'VALIDATION_FAILED' || !named)
          failures.push(`${where}: ${res.statusCode} ${res.body.slice(0, 200)}`);
      }
    }
    expect(failures).toEqual([]);
    expect(cases.length).toBeGreaterThan(1000);
  });
});
