import { defineModule } from '../../core/module.ts';
import { identityAudit } from './identity.audit.ts';
import { installAuthHooks } from './auth.hooks.ts';
import { authRoutes } from './auth.routes.ts';
import { AuthService } from './auth.service.ts';
import { PasswordHasher } from './password-hasher.ts';
import { roleRoutes } from './role.routes.ts';
import { settingsRoutes } from './settings.routes.ts';
import { SettingsService } from './settings.service.ts';
import { userRoutes } from './user.routes.ts';

/** Accounts, sessions, roles and data scope, security settings, the login log. */
export const identityModule = defineModule({
  name: 'identity',
  audit: identityAudit,
  permissions: [
    'user.read',
    'user.write',
    'user.reset_password',
    'user.phone.reveal',
    'user.grant',
    'user.unlock',
    'role.read',
    'role.write',
    'security.policy',
    'config.write',
    'loginlog.read',
  ],
  build: (ctx) => {
    const hasher = new PasswordHasher(ctx.config.argon2);
    const settings = new SettingsService(ctx.db, ctx.config);
    return {
      hasher,
      settings,
      auth: new AuthService(ctx.db, ctx.config, settings, hasher, ctx.notifications),
    };
  },
  hooks: installAuthHooks,
  routes: async (app) => {
    await app.register(authRoutes);
    await app.register(userRoutes);
    await app.register(roleRoutes);
    await app.register(settingsRoutes);
  },
  close: (ctx) => ctx.auth.stopListening(),
});
