import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testEngines } from '../test/engines.ts';
import { createTestApp, type TestApp } from '../test/factories.ts';

interface LogLine {
  level: number;
  msg: string;
  req?: { method: string; url: string };
  res?: { statusCode: number };
  responseTime?: number;
}

describe.each(testEngines())('request log on $name', (engine) => {
  let t: TestApp;
  const lines: LogLine[] = [];

  beforeAll(async () => {
    t = await createTestApp(
      await engine.open(),
      { logLevel: 'info' },
      { logger: true, logStream: { write: (line) => void lines.push(JSON.parse(line) as LogLine) } },
    );
  });
  afterAll(() => t.close());

  /** The lines one request writes. */
  async function logOf(url: string): Promise<LogLine[]> {
    const from = lines.length;
    await t.app.inject({ method: 'GET', url });
    return lines.slice(from);
  }

  it('writes one line per request at the default level: method, URL, status and time', async () => {
    const ok = await logOf('/api/health?q=13800138000');
    expect(ok).toHaveLength(1);
    expect(ok[0]).toMatchObject({
      level: 30,
      msg: 'request completed',
      req: { method: 'GET', url: '/api/health?q=…' },
      res: { statusCode: 200 },
    });
    expect(ok[0]!.responseTime).toEqual(expect.any(Number));
    expect(JSON.stringify(ok)).not.toContain('13800138000');
  });

  it('and one line for a refused request too', async () => {
    const refused = await logOf('/api/users');
    expect(refused).toHaveLength(1);
    expect(refused[0]).toMatchObject({ req: { method: 'GET', url: '/api/users' }, res: { statusCode: 401 } });
  });
});
