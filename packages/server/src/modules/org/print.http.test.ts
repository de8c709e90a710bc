import { PDFParse } from 'pdf-parse';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testEngines } from '../../../test/engines.ts';
import { buildGrid, buildUser, createTestApp, login, type TestApp } from '../../../test/factories.ts';
import { findPdfFont } from './pdf.ts';

let fontAvailable = true;
try {
  findPdfFont(null);
} catch {
  fontAvailable = false;
}

async function pdfText(buffer: Buffer): Promise<string> {
  const parser = new PDFParse({ data: new Uint8Array(buffer) });
  try {
    return (await parser.getText()).text;
  } finally {
    await parser.destroy();
  }
}

describe.skipIf(!fontAvailable && process.env.WANGGE_REQUIRE_BROWSER !== '1')(
  'printable grid outputs',
  () => {
    let t: TestApp;
    let village: { id: number };
    let grid: { id: number };

    beforeAll(async () => {
      t = await createTestApp(await testEngines()[0]!.open());
      const county = await buildGrid(t.db, { name: '安吉县', kind: 'county', code: '330523' });
      village = await buildGrid(t.db, {
        parentId: county.id,
        name: '苕秀社区',
        kind: 'community',
        code: '330523001002',
      });
      grid = await buildGrid(t.db, {
        parentId: village.id,
        name: '苕秀社区第1网格',
        kind: 'base_grid',
        code: '33052300100201',
      });
      const square = {
        type: 'Polygon',
        coordinates: [
          [
            [119.68, 30.63],
            [119.69, 30.63],
            [119.69, 30.64],
            [119.68, 30.64],
            [119.68, 30.63],
          ],
        ],
      };
      await t.db
        .updateTable('grid_node')
        .set({ geometry: JSON.stringify(square) })
        .where('id', '=', grid.id)
        .execute();
      const person = await t.db
        .insertInto('person')
        .values({
          name: '陈网格',
          phone_enc: t.cipher.encrypt('13812345678'),
          phone_hash: t.cipher.blindIndex('13812345678'),
          organisation: '苕秀社区居委会',
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      await t.db
        .insertInto('duty')
        .values({ person_id: person.id, node_id: grid.id, role: 'member', valid_from: '2026-01-01' })
        .execute();
      await buildUser(t, { username: 'viewer', roles: ['grid_member'], scopes: [county.id] });
      await buildUser(t, { username: 'boss', roles: ['grid_chief'], scopes: [county.id] });
    });
    afterAll(() => t?.close());

    it('prints a notice board with the grid, its people and duties in embedded Chinese text', async () => {
      const cookie = await login(t.app, 'viewer');
      const res = await t.app.inject({
        method: 'GET',
        url: `/api/grids/${grid.id}/notice.pdf`,
        headers: { cookie },
      });
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-type']).toBe('application/pdf');
      const text = await pdfText(res.rawPayload);
      expect(text).toContain('网格公示牌');
      expect(text).toContain('苕秀社区第1网格');
      expect(text).toContain('33052300100201');
      expect(text).toContain('陈网格');
      expect(text).toContain('138****5678'); // no reveal permission: masked
      expect(text).toContain('每日巡查网格');
      expect(res.rawPayload.toString('latin1')).toMatch(/\/FontFile2|\/FontFile3/); // the font travels with the file
    });

    it('shows full numbers only to those allowed to reveal them, and audits the export', async () => {
      const cookie = await login(t.app, 'boss');
      const res = await t.app.inject({
        method: 'GET',
        url: `/api/grids/${grid.id}/notice.pdf`,
        headers: { cookie },
      });
      expect(await pdfText(res.rawPayload)).toContain('13812345678');
      const audit = await t.db
        .selectFrom('audit_log')
        .select(['action', 'after'])
        .where('action', '=', 'grid.print.notice')
        .orderBy('id')
        .execute();
      expect(audit.map((a) => (a.after as { fullPhones: boolean }).fullPhones)).toEqual([false, true]);
    });

    it('requires the duty permission: the board names people', async () => {
      await buildUser(t, { username: 'sec', roles: ['sec_admin'], scopes: [village.id] });
      const cookie = await login(t.app, 'sec');
      const res = await t.app.inject({
        method: 'GET',
        url: `/api/grids/${grid.id}/notice.pdf`,
        headers: { cookie },
      });
      expect(res.json().error.code).toBe('FORBIDDEN');
    });

    it('prints the responsibility chart of a subtree', async () => {
      const cookie = await login(t.app, 'boss');
      const res = await t.app.inject({
        method: 'GET',
        url: `/api/grids/${village.id}/chart.pdf`,
        headers: { cookie },
      });
      expect(res.statusCode).toBe(200);
      const text = await pdfText(res.rawPayload);
      expect(text).toContain('苕秀社区 网格责任图');
      expect(text).toContain('苕秀社区第1网格');
      expect(text).toContain('网格员 陈网格');
    });
  },
);
