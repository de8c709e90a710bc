import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Kysely } from 'kysely';
import type { DB, Executor } from '../db/types.ts';
import { AppError } from '../http/errors.ts';
import { imageKind } from './images.ts';

export interface AttachmentLimits {
  /** Bytes per file. */
  maxBytes: number;
  /** Files per claim (one step of a workflow). */
  maxCount: number;
}

/**
 * Photos uploaded ahead of the step that uses them: stored under `dir` by month, typed by their
 * content, handed out as a token; a step claims its tokens for (subject kind, id, timeline entry)
 * inside its transaction. Unclaimed uploads are purged after a day.
 */
export class Attachments {
  constructor(
    private readonly db: Kysely<DB>,
    private readonly dir: string,
    private readonly limits: AttachmentLimits,
  ) {}

  /** Stores an uploaded image (a data URL) and returns the token a step claims it with. */
  async upload(
    uploadedBy: number | null,
    dataUrl: string,
  ): Promise<{ token: string; bytes: number; type: string }> {
    const [, mime, base64] = /^data:(image\/(?:jpeg|png|webp));base64,(.*)$/s.exec(dataUrl) ?? [];
    const bytes = base64 ? Buffer.from(base64, 'base64') : Buffer.alloc(0);
    const kind = imageKind(bytes);
    if (!mime || !kind || `image/${kind}` !== mime) {
      throw new AppError('INVALID_UPLOAD', '照片格式不正确：只接受 JPEG、PNG 或 WebP 图片', {
        dataUrl: '只接受 JPEG、PNG 或 WebP 图片',
      });
    }
    if (bytes.length > this.limits.maxBytes) {
      throw new AppError('PAYLOAD_TOO_LARGE', `照片不能超过 ${this.limits.maxBytes / 1024 / 1024} MB`);
    }
    const token = randomBytes(18).toString('base64url');
    const month = new Date().toISOString().slice(0, 7);
    fs.mkdirSync(path.join(this.dir, month), { recursive: true });
    const file = path.join(month, `${token}.${kind === 'jpeg' ? 'jpg' : kind}`);
    fs.writeFileSync(path.join(this.dir, file), bytes);
    await this.db
      .insertInto('attachment')
      .values({
        token,
        file,
        mime,
        bytes: bytes.length,
        sha256: createHash('sha256').update(bytes).digest('hex'),
        uploaded_by: uploadedBy,
      })
      .execute();
    return { token, bytes: bytes.length, type: mime };
  }

  /** Attaches uploads to a step of a subject; every token must be unclaimed, or nothing is. */
  async claim(
    trx: Executor,
    tokens: readonly string[] | undefined,
    to: { kind: string; id: number; entryId: number; label: string },
  ): Promise<{ id: number; mime: string }[]> {
    if (!tokens?.length) return [];
    if (tokens.length > this.limits.maxCount) {
      throw new AppError('VALIDATION_FAILED', undefined, {
        photoTokens: `最多 ${this.limits.maxCount} 张照片`,
      });
    }
    const rows = await trx
      .updateTable('attachment')
      .set({ subject_kind: to.kind, subject_id: to.id, entry_id: to.entryId, kind: to.label })
      .where('token', 'in', [...tokens])
      .where('subject_id', 'is', null)
      .returning(['id', 'mime'])
      .execute();
    if (rows.length !== new Set(tokens).size) {
      throw new AppError('VALIDATION_FAILED', '照片已失效或已被使用，请重新上传', {
        photoTokens: '照片无效',
      });
    }
    return rows;
  }

  /** The stored file of one attachment of a subject (the caller checks the subject is visible). */
  async file(kind: string, subjectId: number, attachmentId: number): Promise<{ file: string; type: string }> {
    const row = await this.db
      .selectFrom('attachment')
      .select(['file', 'mime'])
      .where('id', '=', attachmentId)
      .where('subject_kind', '=', kind)
      .where('subject_id', '=', subjectId)
      .executeTakeFirst();
    if (!row) throw new AppError('NOT_FOUND', '照片不存在');
    return { file: path.join(this.dir, row.file), type: row.mime };
  }

  /** Removes uploads no step claimed within `olderThanHours`. */
  async purgeStale(olderThanHours = 24): Promise<number> {
    const rows = await this.db
      .deleteFrom('attachment')
      .where('subject_id', 'is', null)
      .where('uploaded_at', '<', new Date(Date.now() - olderThanHours * 3600_000))
      .returning('file')
      .execute();
    for (const r of rows) fs.rmSync(path.join(this.dir, r.file), { force: true });
    return rows.length;
  }
}
