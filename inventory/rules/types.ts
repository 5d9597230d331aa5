// The shape of a member/role rule: a pure function from the validated inventory to findings at a field path.
import type { InventoryFile } from './rule.ts';
import type { Path } from '../findings.ts';
import type { Inventory } from '../inventory.ts';

export interface RuleContext {
  /** The day the check runs, YYYY-MM-DD; expiry is judged against it. */
  readonly today: string;
}

export interface RuleFinding {
  readonly severity: 'error' | 'warning';
  readonly file: InventoryFile;
  readonly path: Path;
  readonly message: string;
  /** Point at the key that names the field rather than its value. */
  readonly key?: boolean;
}

export type MemberRule = (inventory: Inventory, context: RuleContext) => RuleFinding[];
