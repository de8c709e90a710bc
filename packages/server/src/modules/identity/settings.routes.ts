import { SecuritySettings } from '@wangge/shared';
import { actorOf, type App } from '../../core/http/context.ts';
import { withErrors } from '../../core/http/responses.ts';

export async function settingsRoutes(app: App): Promise<void> {
  const { settings, db } = app.ctx;
  app.get(
    '/api/settings/security',
    {
      schema: {
        tags: ['settings'],
        summary: '密码与登录策略',
        response: withErrors({ 200: SecuritySettings }),
      },
      config: { permissions: ['security.policy'] },
    },
    async () => settings.security(),
  );
  app.put(
    '/api/settings/security',
    {
      schema: {
        tags: ['settings'],
        summary: '修改密码与登录策略',
        body: SecuritySettings,
        response: withErrors({ 200: SecuritySettings }),
      },
      config: { permissions: ['security.policy'] },
    },
    async (request) => {
      await db.transaction().execute((trx) => settings.updateSecurity(trx, actorOf(request), request.body));
      return settings.security();
    },
  );
}
