// Finds the identity that decrypts the store: --identity FILE, else SECRETS_IDENTITY (a file), else
// SECRETS_IDENTITY_KEY (the private key itself, as a CI secret) written to a private file removed after use,
// else ~/.ssh/id_ed25519 (a member at their own terminal).
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { SecretsError } from '../members/secrets-store.ts';

export interface IdentityFile {
  readonly path: string;
  /** Removes the file when it was written from SECRETS_IDENTITY_KEY; call it on every exit. */
  cleanup(): void;
}

export function identityFile(option: string | undefined): IdentityFile {
  const file = option ?? process.env.SECRETS_IDENTITY;
  if (file) {
    if (!existsSync(file)) throw new SecretsError(`${file}: no such identity file`);
    return { path: file, cleanup: () => undefined };
  }
  const key = process.env.SECRETS_IDENTITY_KEY;
  if (key) {
    const dir = mkdtempSync(join(tmpdir(), 'identity-'));
    const path = join(dir, 'identity');
    writeFileSync(path, key.endsWith('\n') ? key : `${key}\n`, { mode: 0o600 });
    return { path, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
  }
  const own = join(homedir(), '.ssh', 'id_ed25519');
  if (existsSync(own)) return { path: own, cleanup: () => undefined };
  throw new SecretsError(
    'no identity; expected --identity FILE, SECRETS_IDENTITY=FILE or SECRETS_IDENTITY_KEY (a private key)',
  );
}

export function withIdentity<T>(option: string | undefined, work: (identity: string) => T): T {
  const identity = identityFile(option);
  try {
    return work(identity.path);
  } finally {
    identity.cleanup();
  }
}
