// The public halves of the backup clients' SSH keys, committed beside their ciphertext in the secrets store
// (`secrets/vm/<vm>/borg-ssh-key.pub`): what the borg repository lets in, read without any private material.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Finding } from './findings.ts';
import { publicKeyFileLine } from './ssh-key.ts';

/** The public key file of a VM's borg client key, relative to the store (`secrets generate` writes it). */
export function backupKeyFile(vm: string): string {
  return `vm/${vm}/borg-ssh-key.pub`;
}

/** The store of an inventory directory: `secrets/` beside it. */
export function storeBeside(inventoryDir: string): string {
  return join(inventoryDir, '..', 'secrets');
}

/**
 * Each VM's borg client public key found in the store, by VM name, and a located error for a file that is
 * not one public key line. A VM without the file has no entry (the repository then does not let it in).
 */
export function readBackupKeys(
  store: string,
  vms: readonly string[],
): { keys: ReadonlyMap<string, string>; errors: Finding[] } {
  const keys = new Map<string, string>();
  const errors: Finding[] = [];
  for (const vm of vms) {
    const path = join(store, backupKeyFile(vm));
    if (!existsSync(path)) continue;
    const read = publicKeyFileLine(readFileSync(path, 'utf8'));
    if ('line' in read) keys.set(vm, read.line);
    else
      errors.push({
        severity: 'error',
        file: path,
        line: 1,
        col: 1,
        path: '(file)',
        message: `${read.problem} (borg client key of ${vm}; run npm run secrets -- rotate vm/${vm}/borg-ssh-key)`,
      });
  }
  return { keys, errors };
}
