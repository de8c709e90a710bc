import http from 'node:http';
import type { AddressInfo } from 'node:net';
import jsQR from 'jsqr';
import { PDFParse } from 'pdf-parse';
import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testEngines } from '../../../test/engines.ts';
import {
  buildDepartment,
  buildGrid,
  buildTerritory,
  buildUser,
  createTestApp,
  login,
  type TestApp,
} from '../../../test/factories.ts';
import type { Executor } from '../../core/db/types.ts';
import { findPdfFont } from './pdf.ts';

let fontAvailable = true;
try {
  findPdfFont(null);
} catch {
  fontAvailable = false;
}

const PUBLIC_URL = 'https://wangge.example.gov.cn';

async function pdfText(buffer: Buffer): Promise<string> {
  const parser = new PDFParse({ data: new Uint8Array(buffer) });
  try {
    return (await parser.getText()).text;
  } finally {
    await parser.destroy();
  }
}

/** Renders the first page and reads the QR code on it, as a phone camera would. */
async function readQr(buffer: Buffer): Promise<string | null> {
  const parser = new PDFParse({ data: new Uint8Array(buffer) });
  try {
    const shot = await parser.getScreenshot({ scale: 2, first: 1, imageBuffer: true });
    const png = PNG.sync.read(Buffer.from(shot.pages[0]!.data));
    return jsQR(new Uint8ClampedArray(png.data), png.width, png.height)?.data ?? null;
  } finally {
    await parser.destroy();
  }
}

/** A solid 256×256 PNG tile. */
function tilePng(): Buffer {
  const png = new PNG({ width: 256, height: 256 });
  for (let i = 0; i < png.data.length; i += 4) png.data.set([200, 230, 200, 255], i);
  return PNG.sync.write(png);
}

const square = (lng: number, lat: number, size = 0.01) => ({
  type: 'Polygon' as const,
  coordinates: [
    [
      [lng, lat],
      [lng + size, lat],
      [lng + size, lat + size],
      [lng, lat + size],
      [lng, lat],
    ],
  ],
});

async function setShape(db: Executor, id: number, g: ReturnType<typeof square>) {
  const ring = g.coordinates[0]!;
  await db
    .updateTable('grid_node')
    .set({
      geometry: JSON.stringify(g),
      min_lng: Math.min(...ring.map((p) => p[0]!)),
      max_lng: Math.max(...ring.map((p) => p[0]!)),
      min_lat: Math.min(...ring.map((p) => p[1]!)),
      max_lat: Math.max(...ring.map((p) => p[1]!)),
    })
    .where('id', '=', id)
    .execute();
}

describe.skipIf(!fontAvailable && process.env.WANGGE_REQUIRE_BROWSER !== '1').each(testEngines())(
  'notice board and responsibility chart on $name',
  (engine) => {
    let t: TestApp;
    let territory: Awaited<ReturnType<typeof buildTerritory>>;
    let grid1: { id: number };
    let grid2: { id: number };
    let chief: string;
    let member: string;
    let outsider: string;
    let tiles: http.Server;
    let tileRequests: string[];

    beforeAll(async () => {
      tileRequests = [];
      const tile = tilePng();
      tiles = http.createServer((req, res) => {
        tileRequests.push(req.url ?? '');
        res.writeHead(200, { 'content-type': 'image/png' }).end(tile);
      });
      await new Promise<void>((resolve) => tiles.listen(0, '127.0.0.1', resolve));
      const port = (tiles.address() as AddressInfo).port;
      t = await createTestApp(await engine.open(), {
        publicUrl: PUBLIC_URL,
        basemapUrl: `http://127.0.0.1:${port}/tiles/{z}/{x}/{y}.png`,
      });
      territory = await buildTerritory(t.db);
      await setShape(t.db, territory.villageA.id, square(119.68, 30.63, 0.02));
      grid1 = await buildGrid(t.db, {
        parentId: territory.villageA.id,
        name: '甲村第1网格',
        kind: 'base_grid',
        code: '33052310120101',
      });
      grid2 = await buildGrid(t.db, {
        parentId: territory.villageA.id,
        name: '甲村第2网格',
        kind: 'base_grid',
        code: '33052310120102',
      });
      const grid3 = await buildGrid(t.db, {
        parentId: territory.villageA.id,
        name: '甲村第3网格',
        kind: 'base_grid',
        code: '33052310120103',
      });
      await setShape(t.db, grid1.id, square(119.68, 30.63));
      await setShape(t.db, grid2.id, square(119.69, 30.63));
      await setShape(t.db, grid3.id, square(119.68, 30.64, 0.02));
      await buildUser(t, { username: 'chief', roles: ['grid_chief'], scopes: [territory.townA.id] });
      await buildUser(t, { username: 'member', roles: ['grid_member'], scopes: [territory.townA.id] });
      await buildUser(t, { username: 'other', roles: ['grid_chief'], scopes: [territory.townB.id] });
      chief = await login(t.app, 'chief');
      member = await login(t.app, 'member');
      outsider = await login(t.app, 'other');

      const people = [
        { name: '陈网格', phone: '13812345678', role: 'member', node: grid1.id },
        { name: '周长', phone: '13987654321', role: 'chief', node: grid1.id },
        { name: '吴二', phone: '13700001111', role: 'member', node: grid2.id },
      ];
      for (const p of people) {
        const created = await call(chief, 'POST', '/api/people', { name: p.name, phone: p.phone });
        expect(created.statusCode, created.body).toBe(201);
        const id = (created.json() as { id: number }).id;
        const duty = await call(chief, 'POST', '/api/duties', { personId: id, nodeId: p.node, role: p.role });
        expect(duty.statusCode, duty.body).toBe(201);
        if (p.name === '陈网格') {
          const photo = await call(chief, 'PUT', `/api/people/${id}/photo`, {
            dataUrl: `data:image/png;base64,${tilePng().toString('base64')}`,
          });
          expect(photo.statusCode, photo.body).toBe(200);
        }
      }
    });
    afterAll(async () => {
      await t?.close();
      await new Promise((resolve) => tiles?.close(resolve));
    });

    const call = (cookie: string, method: 'GET' | 'PUT' | 'POST', url: string, payload?: object) =>
      t.app.inject({ method, url, headers: { cookie }, ...(payload ? { payload } : {}) });

    it('sets the supervising department on a grid, inherited below, audited, checked', async () => {
      const dep = await buildDepartment(t.db, '县应急管理局', 'yjj');
      const none = await call(chief, 'GET', `/api/grids/${grid1.id}/department`);
      expect(none.json()).toEqual({ own: null, effective: null });
      const set = await call(chief, 'PUT', `/api/grids/${territory.villageA.id}/department`, {
        departmentId: dep,
      });
      expect(set.statusCode, set.body).toBe(200);
      const inherited = await call(chief, 'GET', `/api/grids/${grid1.id}/department`);
      expect(inherited.json()).toEqual({
        own: null,
        effective: { id: dep, name: '县应急管理局', fromNodeId: territory.villageA.id, fromNodeName: '甲村' },
      });
      const bad = await call(chief, 'PUT', `/api/grids/${grid1.id}/department`, { departmentId: 99999 });
      expect(bad.statusCode).toBe(400);
      expect(bad.json().error.fields.departmentId).toBe('部门不存在');
      const foreign = await call(outsider, 'PUT', `/api/grids/${grid1.id}/department`, { departmentId: dep });
      expect(foreign.json().error.code).toBe('OUT_OF_SCOPE');
      const readOnly = await call(member, 'PUT', `/api/grids/${grid1.id}/department`, { departmentId: dep });
      expect(readOnly.json().error.code).toBe('FORBIDDEN');
      const audit = await t.db
        .selectFrom('audit_log')
        .select(['after'])
        .where('action', '=', 'grid.department')
        .execute();
      expect(audit.map((a) => a.after)).toEqual([{ id: dep, name: '县应急管理局' }]);
    });

    it('prints the board: QR code to the grid’s report page, people, roles, phones, department, basemap', async () => {
      tileRequests.length = 0;
      const res = await call(chief, 'GET', `/api/grids/${grid1.id}/notice.pdf`);
      expect(res.statusCode, res.body).toBe(200);
      const url = `${PUBLIC_URL}/report?grid=${grid1.id}`;
      // The QR code, read back from the rendered page.
      expect(await readQr(res.rawPayload)).toBe(url);
      const text = await pdfText(res.rawPayload);
      // pdf.js may break the printed URL at its slashes: compare without white space.
      expect(text.replace(/\s+/g, '')).toContain(url);
      for (const s of ['陈网格', '周长', '网格员', '网格长', '13812345678', '县应急管理局', '主管部门'])
        expect(text).toContain(s);
      // The neighbour is drawn and named on the map; the tiles came from the configured server.
      expect(text).toContain('甲村第2网格');
      expect(text).toContain('底图 © 127.0.0.1');
      expect(tileRequests.length).toBeGreaterThan(0);
      expect(tileRequests.every((u) => /^\/tiles\/\d+\/\d+\/\d+\.png$/.test(u))).toBe(true);
      // The photo and the tiles are embedded images.
      expect(res.rawPayload.toString('latin1')).toMatch(/\/Subtype\s*\/Image/);
    });

    it('masks the phones for a printer who may not reveal them, and says so', async () => {
      const res = await call(member, 'GET', `/api/grids/${grid1.id}/notice.pdf`);
      const text = await pdfText(res.rawPayload);
      expect(text).toContain('138****5678');
      expect(text).not.toContain('13812345678');
      expect(text).toContain('电话号码已隐去');
    });

    it('prints the chart as a map of the children with their people', async () => {
      const res = await call(chief, 'GET', `/api/grids/${territory.villageA.id}/chart.pdf`);
      expect(res.statusCode, res.body).toBe(200);
      const text = await pdfText(res.rawPayload);
      expect(text).toContain('甲村 网格责任图');
      for (const name of ['甲村第1网格', '甲村第2网格', '甲村第3网格'])
        expect(text.match(new RegExp(name, 'g'))?.length, name).toBeGreaterThanOrEqual(2); // map + table
      expect(text).toContain('网格员 陈网格');
      expect(text).toContain('网格长 周长');
      expect(text).toContain('网格员 吴二');
      expect(text).toContain('（尚未安排）'); // grid 3
    });

    it('refuses unknown grids and grids out of scope with 4xx', async () => {
      for (const doc of ['notice.pdf', 'chart.pdf']) {
        const unknown = await call(chief, 'GET', `/api/grids/999999/${doc}`);
        expect(unknown.statusCode).toBe(404);
        expect(unknown.json().error.code).toBe('NOT_FOUND');
        const foreign = await call(outsider, 'GET', `/api/grids/${grid1.id}/${doc}`);
        expect(foreign.statusCode).toBe(403);
        expect(foreign.json().error.code).toBe('OUT_OF_SCOPE');
      }
    });

    it('takes JPEG or PNG photos only: they are printed', async () => {
      const created = await call(chief, 'POST', '/api/people', { name: '照片测试' });
      const id = (created.json() as { id: number }).id;
      const webp = Buffer.concat([Buffer.from('RIFF\0\0\0\0WEBPVP8 ', 'latin1'), Buffer.alloc(32)]);
      const res = await call(chief, 'PUT', `/api/people/${id}/photo`, {
        dataUrl: `data:image/webp;base64,${webp.toString('base64')}`,
      });
      expect(res.statusCode).toBe(400);
      expect(res.json().error.message).toContain('JPEG 或 PNG');
    });
  },
);

describe.skipIf(!fontAvailable && process.env.WANGGE_REQUIRE_BROWSER !== '1')(
  'notice board without a basemap',
  () => {
    let t: TestApp;
    afterAll(() => t?.close());

    it('draws the outline and its neighbours only, and links to the address the board was printed from', async () => {
      t = await createTestApp(await testEngines()[0]!.open());
      const territory = await buildTerritory(t.db);
      const g = await buildGrid(t.db, { parentId: territory.villageA.id, name: '孤网格', kind: 'base_grid' });
      await setShape(t.db, g.id, square(119.68, 30.63));
      await buildUser(t, { username: 'chief', roles: ['grid_chief'], scopes: [territory.county.id] });
      const cookie = await login(t.app, 'chief');
      const res = await t.app.inject({
        method: 'GET',
        url: `/api/grids/${g.id}/notice.pdf`,
        headers: { cookie, host: 'grid.local:8080' },
      });
      expect(res.statusCode).toBe(200);
      const text = await pdfText(res.rawPayload);
      expect(text).not.toContain('底图');
      expect(text).toContain('（尚未安排）');
      expect(text).toContain('（未设置）');
      expect(await readQr(res.rawPayload)).toBe(`http://grid.local:8080/report?grid=${g.id}`);
    });
  },
);
