import type { AuditEntry, AuditTarget, Bilingual } from '@wangge/shared';
import type { AppContext } from '../http/context.ts';

/** What a target is called, and where the web app shows it. */
export interface AuditTargetInfo {
  name: string;
  /** The name in English, where the thing has one (a role); else the name is shown. */
  nameEn?: string | null;
  /** Path of the target's page in the web app (`/cases/12`). */
  link?: string | null;
}

/** A kind of thing audit entries are about (`targetType`), as the module owning it names it. */
export interface AuditTargetKind {
  label: Bilingual;
  /**
   * Names the targets with these ids (and links them), for one page of entries at once. An id
   * left out of the answer (a deleted thing) is shown by its id.
   */
  describe?(ids: readonly string[], ctx: AppContext): Promise<ReadonlyMap<string, AuditTargetInfo>>;
}

/**
 * What a module writes into the audit log, named for people: the label of every action it
 * writes (`appendAudit({ action })`) and the kinds of target it owns.
 */
export interface AuditVocabulary {
  actions?: Readonly<Record<string, Bilingual>>;
  targets?: Readonly<Record<string, AuditTargetKind>>;
}

/** The integer ids among `ids` (targets of kinds whose ids are row ids). */
export function intIds(ids: readonly string[]): number[] {
  return [...new Set(ids.filter((id) => /^[1-9]\d{0,9}$/.test(id)).map(Number))].filter(
    (n) => n <= 2_147_483_647,
  );
}

/** The rows of a page's targets whose ids are row ids: `fetch` runs only when there are any. */
export async function rowsFor<R>(
  ids: readonly string[],
  fetch: (ids: number[]) => Promise<R[]>,
): Promise<R[]> {
  const numbers = intIds(ids);
  return numbers.length ? fetch(numbers) : [];
}

type RawEntry = Omit<AuditEntry, 'actionLabel' | 'target'>;

/**
 * Every owner's vocabulary in one: the kernel's and each module's. An action or a kind of target
 * is declared once, by the one owner that writes it.
 */
export class AuditCatalog {
  private readonly actionLabels = new Map<string, Bilingual>();
  private readonly targetKinds = new Map<string, AuditTargetKind>();

  constructor(vocabularies: readonly { owner: string; vocabulary: AuditVocabulary }[]) {
    const owners = new Map<string, string>();
    const claim = (key: string, owner: string) => {
      const first = owners.get(key);
      if (first) throw new Error(`audit ${key} declared by both ${first} and ${owner}`);
      owners.set(key, owner);
    };
    for (const { owner, vocabulary } of vocabularies) {
      for (const [key, label] of Object.entries(vocabulary.actions ?? {})) {
        claim(`action ${key}`, owner);
        this.actionLabels.set(key, label);
      }
      for (const [type, kind] of Object.entries(vocabulary.targets ?? {})) {
        claim(`target ${type}`, owner);
        this.targetKinds.set(type, kind);
      }
    }
  }

  /** The label of an action; null for one nobody declared. */
  action(key: string): Bilingual | null {
    return this.actionLabels.get(key) ?? null;
  }

  /** The label of a kind of target; null for one nobody declared. */
  target(type: string): Bilingual | null {
    return this.targetKinds.get(type)?.label ?? null;
  }

  /** The declared actions and kinds of target, by their Chinese names. */
  list(): { actions: (Bilingual & { key: string })[]; targets: (Bilingual & { type: string })[] } {
    const byName = (a: Bilingual, b: Bilingual) => a.zh.localeCompare(b.zh, 'zh-CN');
    return {
      actions: [...this.actionLabels].map(([key, l]) => ({ key, ...l })).sort(byName),
      targets: [...this.targetKinds].map(([type, l]) => ({ type, ...l.label })).sort(byName),
    };
  }

  /** Entries with their actions and targets named: one look-up per kind of target on the page. */
  async describe(entries: readonly RawEntry[], ctx: AppContext): Promise<AuditEntry[]> {
    const ids = new Map<string, Set<string>>();
    for (const e of entries) {
      if (e.targetType && e.targetId !== null)
        ids.set(e.targetType, (ids.get(e.targetType) ?? new Set()).add(e.targetId));
    }
    const infos = new Map<string, ReadonlyMap<string, AuditTargetInfo>>();
    await Promise.all(
      [...ids].map(async ([type, set]) => {
        const kind = this.targetKinds.get(type);
        if (kind?.describe) infos.set(type, await kind.describe([...set], ctx));
      }),
    );
    return entries.map((e) => {
      let target: AuditTarget | null = null;
      if (e.targetType) {
        const info = e.targetId === null ? undefined : infos.get(e.targetType)?.get(e.targetId);
        target = {
          type: e.targetType,
          typeLabel: this.target(e.targetType),
          id: e.targetId,
          name: info?.name ?? null,
          nameEn: info?.nameEn ?? null,
          link: info?.link ?? null,
        };
      }
      return { ...e, actionLabel: this.action(e.action), target };
    });
  }
}
