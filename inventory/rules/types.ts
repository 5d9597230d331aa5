// What a rule returns: a problem at a field of an inventory file, located by the caller.
import type { InventoryFile } from '../crosscheck.ts';
import type { Path } from '../findings.ts';

export interface RuleFinding {
  readonly severity: 'error' | 'warning';
  readonly file: InventoryFile;
  readonly path: Path;
  readonly message: string;
}
