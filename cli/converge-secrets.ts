// Decrypts, on the controller, the secrets the VMs of one converge run need, and writes one vars file per VM
// (mode 0600) into a private temporary directory that `cleanup` removes (converge calls it on every exit).
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { secretVarsFile } from '../baseline/secret-vars.ts';
import { decrypt, defaultStore, SecretsError, secretPath } from '../members/secrets-store.ts';
import type { Model } from '../model/derive.ts';
import { secretKey } from '../model/secret-needs.ts';
import type { CommonOptions } from './args.ts';
import { withIdentity } from './secrets-identity.ts';

export interface ConvergeSecrets {
  /** `-e @FILE` for a VM's ansible-playbook, or nothing when it needs no secret. */
  args(vm: string): string[];
  cleanup(): void;
}

/** Decrypts what `vms` need from `store` with `identity`; throws SecretsError naming a file it cannot open. */
export function convergeSecrets(
  model: Model,
  store: string,
  identity: string,
  vms: readonly string[],
): ConvergeSecrets {
  const dir = mkdtempSync(join(tmpdir(), 'converge-secrets-'));
  const files = new Map<string, string>();
  try {
    const needs = model.secretNeeds;
    const values = new Map<string, string>();
    for (const vm of vms) {
      const mine = needs.filter((n) => n.vms.includes(vm));
      if (mine.length === 0) continue;
      for (const need of mine) {
        const key = secretKey(need);
        // Not copied in yet: only the tasks that read it fail, on its own VM (docs/secrets.md).
        if (need.madeBy !== undefined && !existsSync(secretPath(store, key))) continue;
        if (!values.has(key)) values.set(key, decrypt(secretPath(store, key), identity));
      }
      const file = join(dir, `${vm}.yml`);
      writeFileSync(
        file,
        secretVarsFile(
          new Map(
            mine
              .filter((n) => values.has(secretKey(n)))
              .map((n) => [secretKey(n), values.get(secretKey(n))!]),
          ),
        ),
        {
          mode: 0o600,
        },
      );
      files.set(vm, file);
    }
  } catch (err) {
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
  return {
    args: (vm) => (files.has(vm) ? ['-e', `@${files.get(vm)}`] : []),
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** What cli/converge.ts calls: nothing for an organisation without a store or a dry run; else the decrypted files. */
export function secretsForConverge(
  model: Model,
  options: CommonOptions,
  vms: readonly string[],
  fail: (line: string) => never,
): ConvergeSecrets {
  const none: ConvergeSecrets = { args: () => [], cleanup: () => undefined };
  if (!model.inventory.org.secrets || options.values['dry-run']) return none;
  const store = String(options.values.store ?? defaultStore(options.inventory));
  const identity = typeof options.values.identity === 'string' ? options.values.identity : undefined;
  try {
    return withIdentity(identity, (file) => convergeSecrets(model, store, file, vms));
  } catch (err) {
    if (!(err instanceof SecretsError)) throw err;
    return fail(`converge: ${err.message}; nothing converged`);
  }
}
