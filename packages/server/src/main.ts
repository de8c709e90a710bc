import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { BUILTIN_ROLES } from '@wangge/shared';
import { buildApp } from './app.ts';
import { purgeExpiredAudit, sealAll, verifyAuditChain } from './core/audit/audit.service.ts';
import { prepare, resetDatabase } from './bootstrap.ts';
import { ConfigError, parseConfig, type Config } from './config.ts';
import { importDivisions } from './modules/grid/divisions.import.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
const argv = process.argv.slice(2);
const args = new Set(argv);
/** `--name=value` or `--name value`. */
function option(name: string): string | undefined {
  const i = argv.findIndex((a) => a === `--${name}` || a.startsWith(`--${name}=`));
  if (i < 0) return undefined;
  return argv[i]!.includes('=') ? argv[i]!.split('=')[1] : argv[i + 1];
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1']);

/** The listen address, and what it means with the demo's published password. */
function listenNote(config: Config, port: number): string {
  const address = `${config.host.includes(':') ? `[${config.host}]` : config.host}:${port}`;
  if (!config.demo) return address;
  return LOOPBACK.has(config.host)
    ? `${address}（演示模式只在本机监听，对外开放请设 HOST=0.0.0.0 / demo: local only, set HOST=0.0.0.0 to open）`
    : `${address}（注意：演示密码是公开的，其他机器可访问 / warning: public demo password, reachable from other machines）`;
}

async function main(): Promise<void> {
  const started = performance.now();
  const config = parseConfig(process.env, {
    webDist: process.env.WANGGE_WEB_DIST ?? path.resolve(here, '../../web/dist'),
  });

  if (args.has('--reset-demo')) {
    await resetDatabase(config);
    console.log('演示数据已清除，正在重建… (demo data removed, rebuilding)');
  }
  const prepared = await prepare(config, undefined, (message) => console.log(`  ${message}`));
  const { database } = prepared;

  if (args.has('--verify-audit')) {
    const result = await verifyAuditChain(database.db);
    console.log(JSON.stringify(result));
    await database.close();
    process.exit(result.ok ? 0 : 1);
  }
  if (args.has('--import-divisions')) {
    const scope = { province: option('province'), city: option('city'), county: option('county') };
    const started = performance.now();
    const result = await importDivisions(database.db, {
      scope: Object.fromEntries(Object.entries(scope).filter(([, v]) => v)),
      actor: { id: null, name: 'cli', ip: null, userAgent: null },
      timeZone: config.timeZone,
      progress: (done, total, message) => {
        const pct = total ? Math.floor((done / total) * 100) : 0;
        const bar = '█'.repeat(Math.floor(pct / 4)).padEnd(25, '░');
        process.stderr.write(
          `\r  ${bar} ${String(pct).padStart(3)}%  ${done}/${total || '?'}  ${message}        `,
        );
      },
    });
    process.stderr.write('\n');
    console.log(
      `  行政区划导入完成 (imported) in ${((performance.now() - started) / 1000).toFixed(1)} s: ` +
        `新增 ${result.added}，更名 ${result.renamed}，撤销 ${result.closed}，未变 ${result.unchanged}`,
    );
    await sealAll(database.db);
    await database.close();
    return;
  }
  if (args.has('--no-listen')) {
    // No server runs the sealer: seal what start-up (demo data, purge) wrote.
    await sealAll(database.db);
    await database.close();
    return;
  }

  const app = await buildApp(config, database);
  const purgeTimer = setInterval(
    () => void purgeExpiredAudit(database.db, config.auditRetentionDays).catch((err) => app.log.error(err)),
    24 * 3_600_000,
  );
  purgeTimer.unref();
  const shutdown = async () => {
    clearInterval(purgeTimer);
    await app.close();
    await database.close();
    process.exit(0);
  };
  process.once('SIGINT', () => void shutdown());
  process.once('SIGTERM', () => void shutdown());

  await app.listen({ port: config.port, host: config.host });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  const url = `http://localhost:${port}/`;
  const lines = [
    '',
    `  网格 Wangge 已启动 / started in ${((performance.now() - started) / 1000).toFixed(1)} s`,
    `  地址 URL:      ${url}`,
    `  监听 Listen:   ${listenNote(config, port)}`,
    `  接口文档 API:  ${url}api/docs`,
    `  数据库 DB:     ${database.engine === 'pglite' ? `PGlite (${path.join(config.dataDir, 'pgdata')})` : 'PostgreSQL'}`,
  ];
  if (prepared.demo) {
    lines.push(`  演示数据 Demo: ${prepared.demo.county}，${prepared.demo.gridCount} 个网格节点`);
  }
  if (config.demo) {
    lines.push(
      `  演示账号 Demo logins (密码 password: ${config.demoPassword}; 演示账号免强制改密 / exempt from forced change):`,
    );
    const logins = prepared.demo?.logins;
    if (logins) {
      for (const l of logins)
        lines.push(`    ${l.username.padEnd(14)} ${BUILTIN_ROLES[l.role].zh} · ${l.scope}`);
    } else {
      lines.push(
        '    sysadmin / secadmin / auditadmin / leader / command / dept / townchief / villagechief / socialworker / member01',
      );
    }
    lines.push(
      `  演示 Open311 密钥 Demo Open311 key: ${config.demoOpen311Key}  (${url}open311/v2/discovery.xml)`,
    );
  }
  if (prepared.initialAdmins) {
    const a = prepared.initialAdmins;
    lines.push(
      `  初始管理员 Initial administrators: ${a.usernames.join(', ')}`,
      a.generated
        ? `  初始密码 (仅显示一次, shown once): ${a.password}  — 首次登录须修改 / must be changed at first login`
        : '  初始密码为 WANGGE_INITIAL_ADMIN_PASSWORD，首次登录须修改 / must be changed at first login',
    );
  }
  console.log(lines.join('\n') + '\n');
}

main().catch((err) => {
  if (err instanceof ConfigError) {
    console.error(err.message);
    process.exit(2);
  }
  console.error(err);
  process.exit(1);
});
