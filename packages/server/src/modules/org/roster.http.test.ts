import ExcelJS from 'exceljs';
import { XLSX } from '@wangge/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testEngines } from '../../../test/engines.ts';
import { buildTerritory, buildUser, createTestApp, login, type TestApp } from '../../../test/factories.ts';

async function roster(rows: unknown[][]): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  const sheet = wb.addWorksheet('花名册');
  sheet.addRow(['某某镇网格员花名册']);
  sheet.addRow(['姓名', '手机号', '身份证号', '网格编码', '职责', '起始日期']);
  for (const r of rows) sheet.addRow(r);
  return Buffer.from(await wb.xlsx.writeBuffer());
}

// Valid resident ID numbers (GB 11643 check digits).
const ID_A = '11010519491231002X';
const ID_B = '440524188001010014';

describe.each(testEngines())('roster import on $name', (engine) => {
  let t: TestApp;
  let chief: string;
  let territory: Awaited<ReturnType<typeof buildTerritory>>;

  const upload = (path: string, body: Buffer, cookie = chief) =>
    t.app.inject({ method: 'POST', url: path, headers: { cookie, 'content-type': XLSX }, payload: body });
  const importAndWait = async (file: Buffer) => {
    const res = await upload('/api/duties/roster/import', file);
    expect(res.statusCode, res.body).toBe(202);
    await t.app.ctx.jobs.settled('duty.roster.import');
    const job = await t.app.inject({
      method: 'GET',
      url: `/api/jobs/${res.json().jobId}`,
      headers: { cookie: chief },
    });
    return job.json();
  };

  beforeAll(async () => {
    t = await createTestApp(await engine.open());
    territory = await buildTerritory(t.db);
    await buildUser(t, { username: 'chief', roles: ['grid_chief'], scopes: [territory.townA.id] });
    chief = await login(t.app, 'chief');
  });
  afterAll(() => t.close());

  it('offers the template, checks every row in a dry run, and returns the upload with an error column', async () => {
    const tpl = await t.app.inject({
      method: 'GET',
      url: '/api/duties/roster/template.xlsx',
      headers: { cookie: chief },
    });
    expect(tpl.statusCode).toBe(200);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(tpl.rawPayload as unknown as ArrayBuffer);
    expect(wb.getWorksheet('网格员花名册')!.getRow(1).getCell(1).value).toBe('姓名*');

    const file = await roster([
      ['张三', '13800138000', ID_A.toLowerCase(), '330523101201', '网格员', '2026.3.1'],
      ['李四', '1380013800', null, '330523101201', '网格员', null],
      ['王五', '13900139000', '110105194912310021', '330523101201', '网格长', null],
      ['赵六', '13700137000', null, '330523999999', '网格员', null],
      ['钱七', '13600136000', null, '330523102201', '网格员', null],
      ['孙八', '13500135000', null, '330523101201', '扫地僧', null],
    ]);
    const dry = await upload('/api/duties/roster/dry-run', file);
    expect(dry.statusCode, dry.body).toBe(200);
    const body = dry.json();
    expect(body).toMatchObject({ total: 6, valid: 1 });
    expect(body.errors.map((e: { line: number; column: string }) => `${e.line}:${e.column}`)).toEqual([
      '4:手机号',
      '5:身份证号',
      '6:网格编码',
      '7:网格编码',
      '8:职责',
    ]);
    expect(body.errors[3].message).toContain('不在您的管辖范围内');

    const errors = await upload('/api/duties/roster/errors.xlsx', file);
    expect(errors.headers['content-type']).toContain('spreadsheetml');
    const back = new ExcelJS.Workbook();
    await back.xlsx.load(errors.rawPayload as unknown as ArrayBuffer);
    const sheet = back.worksheets[0]!;
    expect(sheet.getRow(1).getCell(7).value).toBe('错误原因');
    expect(sheet.getRow(2).getCell(7).value).toBeNull();
    expect(String(sheet.getRow(3).getCell(7).value)).toContain('手机号');

    // A file with bad rows is not imported at all.
    const refused = await importAndWait(file);
    expect(refused.status).toBe('failed');
    expect(await t.db.selectFrom('person').select('id').where('name', '=', '张三').execute()).toEqual([]);
  });

  it('imports as a job, keeps ID numbers encrypted, and a re-import changes nothing', async () => {
    const file = await roster([
      ['张三', '13800138000', ID_A.toLowerCase(), '330523101201', '网格员', '2026.3.1'],
      ['张三', '13800138000', ID_A, '330523101', '网格长', '2026年3月1日'],
      ['陈九', '13300133000', ID_B, '330523101201', '网格员', null],
      ['周十', '13200132000', null, '330523101201', '网格监督员', null],
    ]);
    const job = await importAndWait(file);
    expect(job.status, JSON.stringify(job)).toBe('done');
    expect(job.result).toEqual({ total: 4, created: 4, updated: 0, unchanged: 0 });
    const people = await t.db
      .selectFrom('person')
      .select(['id', 'name', 'id_number_enc', 'id_number_hash'])
      .where('name', 'in', ['张三', '陈九', '周十'])
      .orderBy('name')
      .execute();
    expect(people).toHaveLength(3);
    const zhang = people.find((p) => p.name === '张三')!;
    expect(zhang.id_number_enc).not.toContain(ID_A);
    expect(t.cipher.decrypt(zhang.id_number_enc!)).toBe(ID_A);
    const duties = await t.db
      .selectFrom('duty')
      .select(['role', 'node_id', 'valid_from'])
      .where('person_id', '=', zhang.id)
      .orderBy('role')
      .execute();
    expect(duties).toEqual([
      { role: 'chief', node_id: territory.townA.id, valid_from: '2026-03-01' },
      { role: 'member', node_id: territory.villageA.id, valid_from: '2026-03-01' },
    ]);
    const again = await importAndWait(file);
    expect(again.result).toEqual({ total: 4, created: 0, updated: 0, unchanged: 4 });
    // A changed name updates the person, adds no duty.
    const renamed = await roster([['陈久', '13300133000', ID_B, '330523101201', '网格员', null]]);
    expect((await importAndWait(renamed)).result).toEqual({ total: 1, created: 0, updated: 1, unchanged: 0 });
    const audit = await t.db
      .selectFrom('audit_log')
      .select('action')
      .where('action', '=', 'duty.roster.import')
      .execute();
    expect(audit).toHaveLength(3);
  });

  it('refuses uploads that are not workbooks and users without the permission', async () => {
    const junk = await upload('/api/duties/roster/dry-run', Buffer.from('name,phone'));
    expect(junk.statusCode).toBe(400);
    expect(junk.json().error.code).toBe('INVALID_UPLOAD');
    await buildUser(t, { username: 'reader', roles: ['leader'], scopes: [territory.county.id] });
    const reader = await login(t.app, 'reader');
    const denied = await upload('/api/duties/roster/dry-run', await roster([]), reader);
    expect(denied.statusCode).toBe(403);
  });
});
