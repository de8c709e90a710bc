import type { Actor } from '../audit/audit.service.ts';
import { appendAudit } from '../audit/audit.service.ts';
import type { Executor } from '../db/types.ts';
import { AppError } from '../http/errors.ts';
import type { FieldCipher } from './crypto.ts';

/**
 * A kind of personal value (a mobile number, an ID number, an e-mail address): how it is
 * normalised before it is stored or searched, how it is shown masked, and what a user is told
 * when a value is not one.
 */
export interface PersonalKind {
  /** The normalised value, or null when `raw` is not a value of this kind. */
  normalise(raw: string): string | null;
  mask(plain: string): string;
  /** The field message for an invalid value, e.g. `应为 11 位手机号，如 13800138000`. */
  invalid: string;
  /** The form-level message for an invalid value (none: only the field message). */
  message?: string;
}

/** A personal value as stored: the ciphertext and the keyed blind index (both null when empty). */
export interface SealedValue {
  enc: string | null;
  hash: string | null;
}

/** Where a reveal or an export of personal data is recorded. */
export interface PersonalTarget {
  type: string;
  id?: number | null;
}

/**
 * Personal data, one way everywhere: encrypted at rest (AES-256-GCM), searchable by exact value
 * through a keyed blind index, masked by default, revealed in full only through `reveal` (one
 * audit entry per reveal, with the fields and the reason given), exported only with
 * `recordExport`. Who may reveal is the route's permission; this records that it happened.
 */
export class PersonalData {
  constructor(private readonly cipher: FieldCipher) {}

  /**
   * `raw` normalised, encrypted and indexed; empty or null clears the value. An invalid value is
   * refused with VALIDATION_FAILED naming `field`.
   */
  seal(kind: PersonalKind, raw: string | null | undefined, field: string): SealedValue {
    const plain = this.normalise(kind, raw, field);
    return plain === null
      ? { enc: null, hash: null }
      : { enc: this.cipher.encrypt(plain), hash: this.cipher.blindIndex(plain) };
  }

  /** `raw` normalised (null when empty); an invalid value is refused naming `field`. */
  normalise(kind: PersonalKind, raw: string | null | undefined, field: string): string | null {
    if (raw === null || raw === undefined || raw.trim() === '') return null;
    const plain = kind.normalise(raw);
    if (plain === null) throw new AppError('VALIDATION_FAILED', kind.message, { [field]: kind.invalid });
    return plain;
  }

  /** Any text encrypted as it is (structured values, e.g. a JSON list of parties). */
  encrypt(plain: string): string {
    return this.cipher.encrypt(plain);
  }

  /** The blind index of a value already normalised (write paths that normalised it themselves). */
  index(plain: string): string {
    return this.cipher.blindIndex(plain);
  }

  /** The stored value masked for display (null stays null). */
  masked(kind: PersonalKind, enc: string | null | undefined): string | null {
    return enc ? kind.mask(this.cipher.decrypt(enc)) : null;
  }

  /**
   * The stored value in full, for the server's own use (sending a message, printing with the
   * permission). What a user sees in full goes through `reveal`.
   */
  open(enc: string | null | undefined): string | null {
    return enc ? this.cipher.decrypt(enc) : null;
  }

  /** The blind index a search term would match, or null when the term is not a value of this kind. */
  searchKey(kind: PersonalKind, term: string): string | null {
    const plain = kind.normalise(term.trim());
    return plain === null ? null : this.cipher.blindIndex(plain);
  }

  /**
   * Reveals personal data in full inside `trx`: `read` gives the values, and the reveal is
   * audited in the same transaction (the fields, and the reason when one is given).
   */
  async reveal<T>(
    trx: Executor,
    actor: Actor,
    target: PersonalTarget,
    fields: { field: string } | { fields: string[] },
    reason: string | null | undefined,
    read: () => T | Promise<T>,
  ): Promise<T> {
    const value = await read();
    await appendAudit(trx, actor, {
      action: 'personal.reveal',
      targetType: target.type,
      targetId: target.id ?? null,
      after: { ...fields, ...(reason?.trim() ? { reason: reason.trim() } : {}) },
    });
    return value;
  }

  /**
   * Records inside `trx` that a reveal was refused (result `denied`, with the fields asked for
   * and the refusal's code) and gives back `refusal`: the caller commits `trx`, so the record
   * stays, and then throws it.
   */
  async refuse(
    trx: Executor,
    actor: Actor,
    target: PersonalTarget,
    fields: { field: string } | { fields: string[] },
    refusal: AppError,
  ): Promise<AppError> {
    await appendAudit(trx, actor, {
      action: 'personal.reveal',
      targetType: target.type,
      targetId: target.id ?? null,
      after: { ...fields, refused: refusal.code },
      result: 'denied',
    });
    return refusal;
  }
}
