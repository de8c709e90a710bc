import type { Kysely, Selectable } from 'kysely';
import type { FieldCipher } from '../pii/crypto.ts';
import type { DB } from '../db/types.ts';
import type { OutboxTable } from './notify.table.ts';
import { NO_MAIL_TRANSPORT, NO_SMS_GATEWAY, type Transports } from './transports.ts';
import { PeriodicTask } from '../schedule/periodic.ts';

export interface OutboxWorkerOptions {
  /** Seconds between passes when started. */
  intervalSeconds?: number;
  /** Rows claimed per transaction. */
  batchSize?: number;
  /** How long a claimed row belongs to this worker; a crash resends it after this. */
  leaseMs?: number;
  /** Tries before a message is given up as failed. */
  maxAttempts?: number;
  /** Delay before the first retry; doubled after every failure up to `maxBackoffMs`. */
  backoffMs?: number;
  maxBackoffMs?: number;
  log?: (msg: string, err?: unknown) => void;
}

export interface OutboxPass {
  claimed: number;
  sent: number;
  retried: number;
  failed: number;
  unsent: number;
}

type Row = Selectable<OutboxTable>;

const ERROR_MAX = 500;

/**
 * Delivers the outbox. Each pass claims due rows with `for update skip locked` (so any number of
 * instances can run side by side), marks them `sending` with a lease and commits; then sends
 * outside any transaction and records the outcome: `sent` with the provider id, or back to
 * `pending` after an exponential backoff (1 min, 2, 4 … at most 1 h), `failed` after the last try.
 * A worker that dies mid-send leaves its rows `sending`; they are claimed again when the lease
 * runs out, so a crash costs at most one duplicate, never a lost message.
 */
export class OutboxWorker {
  private readonly loop: PeriodicTask;
  private readonly opts: Required<Omit<OutboxWorkerOptions, 'log'>> & Pick<OutboxWorkerOptions, 'log'>;

  constructor(
    private readonly db: Kysely<DB>,
    private readonly cipher: FieldCipher,
    private readonly transports: Transports,
    options: OutboxWorkerOptions = {},
  ) {
    this.opts = {
      intervalSeconds: options.intervalSeconds ?? 10,
      batchSize: options.batchSize ?? 20,
      leaseMs: options.leaseMs ?? 5 * 60_000,
      maxAttempts: options.maxAttempts ?? 8,
      backoffMs: options.backoffMs ?? 60_000,
      maxBackoffMs: options.maxBackoffMs ?? 3_600_000,
      log: options.log,
    };
    this.loop = new PeriodicTask({
      name: 'outbox pass',
      every: this.opts.intervalSeconds * 1000,
      firstDelayMs: 1000,
      jitter: 0.1,
      maxBackoffMs: Math.max(60_000, this.opts.intervalSeconds * 1000),
      log: this.opts.log,
      run: () => this.runOnce(),
    });
  }

  start(): void {
    this.loop.start();
  }

  /** Stops the loop, waits for a pass in progress and closes the transports. */
  async stop(): Promise<void> {
    await this.loop.stop();
    await Promise.all([
      this.transports.mail?.close().catch(() => undefined),
      this.transports.sms?.close?.().catch(() => undefined),
    ]);
  }

  /** Everything due at `now`, batch after batch, until nothing is left to claim. */
  async runOnce(now: Date = new Date()): Promise<OutboxPass> {
    const total: OutboxPass = { claimed: 0, sent: 0, retried: 0, failed: 0, unsent: 0 };
    for (;;) {
      const { rows, unsent } = await this.claim(now);
      total.unsent += unsent;
      if (!rows.length && !unsent) break;
      total.claimed += rows.length;
      const outcomes = await Promise.all(rows.map((row) => this.deliver(row, now)));
      for (const o of outcomes) total[o] += 1;
      if (rows.length + unsent < this.opts.batchSize) break;
    }
    return total;
  }

  /**
   * Claims up to one batch of due rows: pending rows whose time has come and sending rows whose
   * lease ran out. Rows of a channel without a transport become `unsent` instead. Public so tests
   * can play a worker that claims and then dies.
   */
  async claim(now: Date = new Date()): Promise<{ rows: Row[]; unsent: number }> {
    return this.db.transaction().execute(async (trx) => {
      const due = await trx
        .selectFrom('outbox')
        .selectAll()
        .where('state', 'in', ['pending', 'sending'])
        .where('next_attempt_at', '<=', now)
        .orderBy('next_attempt_at')
        .limit(this.opts.batchSize)
        .forUpdate()
        .skipLocked()
        .execute();
      const sendable = due.filter((r) => this.transportFor(r.channel));
      const orphans = due.filter((r) => !this.transportFor(r.channel));
      for (const channel of ['email', 'sms'] as const) {
        const ids = orphans.filter((r) => r.channel === channel).map((r) => r.id);
        if (!ids.length) continue;
        await trx
          .updateTable('outbox')
          .set({
            state: 'unsent',
            next_attempt_at: null,
            last_error: channel === 'email' ? NO_MAIL_TRANSPORT : NO_SMS_GATEWAY,
          })
          .where('id', 'in', ids)
          .execute();
      }
      if (!sendable.length) return { rows: [], unsent: orphans.length };
      const claimed = await trx
        .updateTable('outbox')
        .set((eb) => ({
          state: 'sending',
          attempts: eb('attempts', '+', 1),
          next_attempt_at: new Date(now.getTime() + this.opts.leaseMs),
        }))
        .where(
          'id',
          'in',
          sendable.map((r) => r.id),
        )
        .returningAll()
        .execute();
      return { rows: claimed, unsent: orphans.length };
    });
  }

  private transportFor(channel: 'email' | 'sms') {
    return channel === 'email' ? this.transports.mail : this.transports.sms;
  }

  private async deliver(row: Row, now: Date): Promise<'sent' | 'retried' | 'failed'> {
    let providerId: string;
    try {
      const to = this.cipher.decrypt(row.to_enc);
      if (row.channel === 'email') {
        providerId = (await this.transports.mail!.send(to, row.subject ?? '', row.body)).providerId;
      } else {
        providerId = (await this.transports.sms!.send(to, row.body)).providerId;
      }
    } catch (err) {
      const message = (err instanceof Error ? err.message : String(err)).slice(0, ERROR_MAX) || '发送失败';
      const last = row.attempts >= this.opts.maxAttempts;
      const delay = Math.min(
        this.opts.backoffMs * 2 ** Math.max(0, row.attempts - 1),
        this.opts.maxBackoffMs,
      );
      await this.settle(row, {
        state: last ? 'failed' : 'pending',
        next_attempt_at: last ? null : new Date(now.getTime() + delay),
        last_error: message,
      });
      return last ? 'failed' : 'retried';
    }
    await this.settle(row, {
      state: 'sent',
      provider_id: providerId || null,
      sent_at: new Date(),
      next_attempt_at: null,
      last_error: null,
    });
    return 'sent';
  }

  /** Records an outcome, but only while the row is still ours (same claim, not re-claimed). */
  private async settle(
    row: Row,
    set: {
      state: 'sent' | 'pending' | 'failed';
      next_attempt_at: Date | null;
      last_error: string | null;
      provider_id?: string | null;
      sent_at?: Date;
    },
  ): Promise<void> {
    try {
      await this.db
        .updateTable('outbox')
        .set(set)
        .where('id', '=', row.id)
        .where('state', '=', 'sending')
        .where('attempts', '=', row.attempts)
        .execute();
    } catch (err) {
      this.opts.log?.(`outbox row ${row.id}: could not record the outcome`, err);
    }
  }
}
