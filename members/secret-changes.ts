// Which secrets change readers between two versions of the inventory (an onboarding, an offboarding, a role
// edit): names only, never values, for the commands' output and the review's access section.
import type { Model } from '../model/derive.ts';
import { recipientPlan } from './secret-access.ts';

export interface RecipientChange {
  /** `<scope>/<name>` of the secret. */
  readonly key: string;
  /** Readers (user names, `deploy`) who gain or lose it. */
  readonly added: readonly string[];
  readonly removed: readonly string[];
}

function readers(model: Model | undefined): Map<string, Set<string>> {
  if (!model?.inventory.org.secrets) return new Map();
  const plan = recipientPlan(model, model.secretNeeds);
  return new Map([...plan].map(([key, recipients]) => [key, new Set(recipients.map((r) => r.who))]));
}

/** The secrets whose readers differ, sorted by key; a secret only one side needs is not a recipient change. */
export function recipientChanges(before: Model | undefined, after: Model | undefined): RecipientChange[] {
  const old = readers(before);
  const now = readers(after);
  const out: RecipientChange[] = [];
  for (const key of [...now.keys()].filter((k) => old.has(k)).sort()) {
    const was = old.get(key)!;
    const is = now.get(key)!;
    const added = [...is].filter((w) => !was.has(w)).sort();
    const removed = [...was].filter((w) => !is.has(w)).sort();
    if (added.length > 0 || removed.length > 0) out.push({ key, added, removed });
  }
  return out;
}

/** One line per change: `secret service/gitea-git/secret-key: +alice -bob`. */
export function recipientChangeLines(changes: readonly RecipientChange[]): string[] {
  return changes.map(
    (c) => `secret ${c.key}: ${[...c.added.map((w) => `+${w}`), ...c.removed.map((w) => `-${w}`)].join(' ')}`,
  );
}
