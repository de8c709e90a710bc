import { Health } from '@wangge/shared';
import type { App } from './context.ts';
import { ping } from './core/db/database.ts';
import { withErrors } from './core/http/responses.ts';

export async function healthRoutes(app: App): Promise<void> {
  app.get(
    '/api/health',
    {
      schema: { tags: ['system'], summary: '健康检查', response: withErrors({ 200: Health }) },
      config: { public: true },
    },
    async () => {
      await ping(app.ctx.db);
      return {
        status: 'ok' as const,
        database: app.ctx.engine,
        version: app.ctx.version,
        demo: app.ctx.config.demo,
        time: new Date().toISOString(),
      };
    },
  );
}
