import { sha256Hex } from '../pii/crypto.ts';

export const GENESIS_HASH = '0'.repeat(64);

/** JSON with object keys sorted at every level, so a value hashes the same after a jsonb round trip. */
export function canonicalJson(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value instanceof Date) return JSON.stringify(value.toISOString());
  if (typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

export interface HashedFields {
  seq: number;
  at: Date;
  actorId: number | null;
  actorName: string;
  ip: string | null;
  userAgent: string | null;
  action: string;
  targetType: string | null;
  targetId: string | null;
  before: unknown;
  after: unknown;
  result: string;
}

export function entryHash(prevHash: string, e: HashedFields): string {
  return sha256Hex(
    `${prevHash}\n${canonicalJson({
      seq: e.seq,
      at: e.at.toISOString(),
      actorId: e.actorId,
      actorName: e.actorName,
      ip: e.ip,
      userAgent: e.userAgent,
      action: e.action,
      targetType: e.targetType,
      targetId: e.targetId,
      before: e.before ?? null,
      after: e.after ?? null,
      result: e.result,
    })}`,
  );
}
