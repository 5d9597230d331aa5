// Borg over SSH from the store: the repository VM lets each backup client in with its own append-only key
// (public half in the inventory's public-keys/), and each client makes its repository once, at converge, with its passphrase.
import type { Model } from '../model/derive.ts';
import type { Vm } from '../inventory/vms.schema.ts';
import { BACKUP_REPO_KIND } from '../services/catalog.ts';
import { secretKey } from '../model/secret-needs.ts';
import { SECRETS_DIR } from './secret-files.ts';
import type { Part } from './parts.ts';

/** The repository account's home (services/kinds/borg-repo.ts makes it). */
export const BORG_HOME = '/srv/borg';
/** Written once the client's repository exists, so converge asks the repository host only once. */
export const REPOSITORY_MADE = '/var/lib/borgmatic-status/repository-created';

/** Where a client's borg passphrase and SSH key are on the VM (converge writes them from the store). */
export function borgSecretPaths(vm: Vm): { passphrase: string; sshKey: string } {
  const scope = `vm/${vm.name}`;
  return {
    passphrase: `${SECRETS_DIR}/${secretKey({ scope, name: 'borg-passphrase' })}`,
    sshKey: `${SECRETS_DIR}/${secretKey({ scope, name: 'borg-ssh-key' })}`,
  };
}

/**
 * The directory of a client's repository on the repository VM, from the repository URL as borg reads it:
 * `ssh://host/./x` and `ssh://host/~/x` are relative to the account's home, anything else is absolute.
 */
export function repositoryPathOnServer(repository: string): string {
  // Not new URL(): it would fold the `/./` that means "relative to the home" away.
  const path = /^ssh:\/\/[^/]+(\/.*)$/.exec(repository)?.[1] ?? '/';
  const relative = /^\/(\.|~)\/(.*)$/.exec(path);
  return relative ? `${BORG_HOME}/${relative[2]}` : path;
}

/** One authorized_keys line: this key may only run an append-only `borg serve` inside its own repository. */
export function borgServeLine(key: string, path: string): string {
  return `command="borg serve --append-only --restrict-to-path ${path}",restrict ${key}`;
}

/** The VMs that back up (their key's public half is in the inventory), with their keys, in vms.yaml order. */
function clients(model: Model): { vm: Vm; key: string }[] {
  const keys = model.inventory.backupKeys ?? new Map<string, string>();
  return model.inventory.vms.flatMap((vm) => {
    const key = keys.get(vm.name);
    return key === undefined ? [] : [{ vm, key }];
  });
}

/**
 * The repository VM's authorized_keys for the borg account: one line per backup client, each held to its
 * own repository and to appending (a client that is broken into cannot delete its history).
 */
export function borgRepoPart(model: Model, vm: Vm): Part | undefined {
  const { backup } = model.inventory.org;
  const runs = (model.services.onVm.get(vm.name) ?? []).some((i) => i.kind === BACKUP_REPO_KIND);
  if (!backup || !runs) return undefined;
  const lines = clients(model)
    .filter((c) => c.vm.name !== vm.name)
    .map((c) =>
      borgServeLine(c.key, repositoryPathOnServer(backup.repository.replaceAll('{vm}', c.vm.name))),
    );
  return {
    name: `borg repository: ${lines.length} append-only client keys`,
    files: [
      {
        path: `${BORG_HOME}/.ssh/authorized_keys`,
        content: lines.length > 0 ? `${lines.join('\n')}\n` : '',
        permissions: '0600',
        owner: 'borg:borg',
      },
    ],
    // Only the playbook: the first boot has no clients yet, and a client added later must not change the
    // repository VM's cloud-init snippet (a replaced snippet in the cluster stack).
    convergeOnly: true,
  };
}

/**
 * Makes the client's repository once (`borgmatic init`, repokey: the key sits in the repository, sealed by
 * the passphrase from the store). A repository host that cannot be reached yet does not stop the converge:
 * the task says why on stderr, reports no change, and the next converge tries again; the backup age check
 * stays critical meanwhile.
 */
export function borgInitPart(vm: Vm): Part {
  const script = [
    `test -e ${REPOSITORY_MADE} && exit 0`,
    'if out=$(borgmatic init --encryption repokey 2>&1); then',
    `  touch ${REPOSITORY_MADE}; echo "made the borg repository of ${vm.name}"`,
    'else',
    // On stderr: the task shows it, but reports no change (a second converge must stay at changed=0).
    '  echo "borgmatic init failed; the next converge tries again: $out" >&2',
    'fi',
  ].join('\n');
  return {
    name: 'backup: the borg repository made once, with the passphrase from the store (converge only)',
    commands: [{ name: 'Make the borg repository once', argv: ['sh', '-c', script] }],
    convergeOnly: true,
  };
}
