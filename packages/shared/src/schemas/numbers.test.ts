import { describe, expect, it } from 'vitest';
import * as shared from '../index.ts';
import { Int, Num } from './numbers.ts';

/** Request schemas by name: what routes take as body, query string or path parameters. */
const REQUEST_NAME = /(Body|Query|Params?)$/;
/** Request schemas not named so: PUT /api/security/settings takes the settings themselves. */
const ALSO_REQUESTS = ['SecuritySettings'];

type Node = Record<string, unknown>;

const finite = (v: unknown) => typeof v === 'number' && Number.isFinite(v);

/**
 * Every number or integer in `schema` lacking a finite minimum or maximum, or the check of the
 * coerced value `Int` and `Num` add (without it "Infinity" passes any bounds), by its path.
 */
function unbounded(schema: unknown, path: string, found: string[]): string[] {
  if (typeof schema !== 'object' || schema === null) return found;
  const node = schema as Node;
  if (node.type === 'number' || node.type === 'integer') {
    if (!finite(node.minimum) || !finite(node.maximum)) found.push(path);
    else if (!(Array.isArray(node.allOf) && node.allOf.some((s: Node) => s.type === node.type)))
      found.push(`${path} (not Int/Num)`);
    return found;
  }
  for (const [key, value] of Object.entries(node)) {
    if (key === 'properties' || key === 'patternProperties' || key === '$defs') {
      for (const [name, child] of Object.entries(value as Node)) unbounded(child, `${path}/${name}`, found);
    } else if (Array.isArray(value)) {
      value.forEach((child, i) => unbounded(child, `${path}/${key}[${i}]`, found));
    } else if (typeof value === 'object') {
      unbounded(value, `${path}/${key}`, found);
    }
  }
  return found;
}

const requestSchemas = Object.entries(shared).filter(
  ([name, value]) =>
    (REQUEST_NAME.test(name) || ALSO_REQUESTS.includes(name)) &&
    typeof value === 'object' &&
    value !== null &&
    ('type' in value || 'allOf' in value || 'anyOf' in value),
);

describe('request schemas', () => {
  it('are found (the walk below is not vacuous)', () => {
    const names = requestSchemas.map(([name]) => name);
    expect(names).toEqual(expect.arrayContaining(['PageQuery', 'IdParam', 'CalendarDeadlineQuery']));
    expect(names).toEqual(expect.arrayContaining(['OverloadQuery', 'CreateCaseBody', 'SecuritySettings']));
    expect(names.length).toBeGreaterThan(50);
  });

  it('bound every number and integer they hold with a finite minimum and maximum (Int, Num)', () => {
    const found = requestSchemas.flatMap(([name, schema]) => unbounded(schema, name, []));
    expect(found).toEqual([]);
  });

  it('the walk finds an unbounded number wherever it hides', () => {
    const bare = { type: 'object', properties: { a: { type: 'integer', minimum: 1 } } };
    const nested = {
      allOf: [{ type: 'object', properties: { b: { anyOf: [{ type: 'number' }, { type: 'null' }] } } }],
    };
    const record = { type: 'object', patternProperties: { '^x': { type: 'number', maximum: Infinity } } };
    const unguarded = { type: 'array', items: { type: 'integer', minimum: 0, maximum: 1 } };
    const list = { type: 'array', items: Int(0, 1) };
    expect(unbounded(bare, 'bare', [])).toEqual(['bare/a']);
    expect(unbounded(nested, 'nested', [])).toEqual(['nested/allOf[0]/b/anyOf[0]']);
    expect(unbounded(record, 'record', [])).toEqual(['record/^x']);
    expect(unbounded(unguarded, 'unguarded', [])).toEqual(['unguarded/items (not Int/Num)']);
    expect(unbounded(list, 'list', [])).toEqual([]);
  });
});

describe('Int and Num', () => {
  it('carry their bounds and check the coerced value again for finiteness', () => {
    expect(Int(1, 10, { default: 2 })).toMatchObject({
      type: 'integer',
      minimum: 1,
      maximum: 10,
      default: 2,
      allOf: [{ type: 'integer' }],
    });
    expect(Num(-1.5, 1.5)).toMatchObject({ type: 'number', minimum: -1.5, maximum: 1.5 });
  });

  it('refuse bounds that are not finite, out of order, or integers beyond 2^53', () => {
    expect(() => Int(0, Infinity)).toThrow(RangeError);
    expect(() => Num(-Infinity, 0)).toThrow(RangeError);
    expect(() => Num(0, NaN)).toThrow(RangeError);
    expect(() => Int(5, 1)).toThrow(RangeError);
    expect(() => Int(0.5, 1)).toThrow(RangeError);
    expect(() => Int(1, 2 ** 53)).toThrow(RangeError);
  });
});
