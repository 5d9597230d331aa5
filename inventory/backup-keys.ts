// The public halves of the store's SSH keys, committed in the inventory (`public-keys/<scope>/<name>.pub`, the
// store's layout) by `secrets generate`/`rotate`: the borg repository lets the backup clients' keys in from them.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Finding } from './findings.ts';
import { publicKeyFileLine } from './ssh-key.ts';

/** Where the public half of a store key (`vm/db1/borg-ssh-key`) lives, relative to the inventory directory. */
export function publicKeyFile(key: string): string {
  return `public-keys/${key}.pub`;
}

/** The public key file of a VM's borg client key, relative to the inventory directory. */
export function backupKeyFile(vm: string): string {
  return publicKeyFile(`vm/${vm}/borg-ssh-key`);
}

/**
 * Each VM's borg client public key found in the store, by VM name, and a located error for a file that is
 * not one public key line. A VM without the file has no entry (the repository then does not let it in).
 */
export function readBackupKeys(
  inventoryDir: string,
  vms: readonly string[],
): { keys: ReadonlyMap<string, string>; errors: Finding[] } {
  const keys = new Map<string, string>();
  const errors: Finding[] = [];
  for (const vm of vms) {
    const path = join(inventoryDir, backupKeyFile(vm));
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
