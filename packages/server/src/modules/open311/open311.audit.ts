import type { AuditVocabulary } from '../../core/audit/audit.vocabulary.ts';
import { rowsFor } from '../../core/audit/audit.vocabulary.ts';

/** What the Open311 module writes into the audit log, named: its API keys (comments are the case's). */
export const open311Audit: AuditVocabulary = {
  actions: {
    'apikey.create': { zh: '新建开放接口密钥', en: 'Created an API key' },
    'apikey.rename': { zh: '修改开放接口密钥名称', en: 'Renamed an API key' },
    'apikey.revoke': { zh: '停用开放接口密钥', en: 'Revoked an API key' },
  },
  targets: {
    api_key: {
      label: { zh: '开放接口密钥', en: 'API key' },
      describe: async (ids, ctx) => {
        const rows = await rowsFor(ids, (numbers) =>
          ctx.db.selectFrom('api_key').select(['id', 'name']).where('id', 'in', numbers).execute(),
        );
        return new Map(rows.map((r) => [String(r.id), { name: r.name, link: '/admin/api-keys' }]));
      },
    },
  },
};
