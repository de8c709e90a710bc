import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { FieldCipher, loadDataKey } from './crypto.ts';

describe('personal data encryption', () => {
  const cipher = new FieldCipher(randomBytes(32));

  it('round-trips, with a fresh nonce every time', () => {
    const a = cipher.encrypt('13800138000');
    const b = cipher.encrypt('13800138000');
    expect(a).not.toBe(b);
    expect(cipher.decrypt(a)).toBe('13800138000');
  });

  it('never uses a nonce twice, across many refills of the random pool', () => {
    const nonces = new Set<string>();
    for (let i = 0; i < 3000; i++) {
      const stored = cipher.encrypt('13800138000');
      nonces.add(stored.split('.')[1]!);
      if (i % 500 === 0) expect(cipher.decrypt(stored)).toBe('13800138000');
    }
    expect(nonces.size).toBe(3000);
    expect(nonces.has(Buffer.alloc(12).toString('base64url'))).toBe(false);
  });

  it('detects tampering and the wrong key', () => {
    const stored = cipher.encrypt('11010519491231002X');
    const parts = stored.split('.');
    parts[3] = Buffer.from('tampered').toString('base64url');
    expect(() => cipher.decrypt(parts.join('.'))).toThrow();
    expect(() => new FieldCipher(randomBytes(32)).decrypt(stored)).toThrow();
  });

  it('gives a stable keyed index for search, different per key', () => {
    expect(cipher.blindIndex('13800138000')).toBe(cipher.blindIndex('13800138000'));
    expect(new FieldCipher(randomBytes(32)).blindIndex('13800138000')).not.toBe(
      cipher.blindIndex('13800138000'),
    );
  });

  it('generates the embedded deployment’s key once, private to the owner', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wangge-key-'));
    const key = loadDataKey(null, dir);
    expect(loadDataKey(null, dir).equals(key)).toBe(true);
    expect(fs.statSync(path.join(dir, 'secret.key')).mode & 0o777).toBe(0o600);
  });
});
