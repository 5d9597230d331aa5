// Finds the identity that decrypts the store: --identity FILE, else SECRETS_IDENTITY (a file), else
// SECRETS_IDENTITY_KEY (the private key itself, as a CI secret), written to a private file removed after use.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { SecretsError } from '../members/secrets-store.ts';

export function withIdentity<T>(option: string | undefined, work: (identity: string) => T): T {
  const file = option ?? process.env.SECRETS_IDENTITY;
  if (file) {
    if (!existsSync(file)) throw new SecretsError(`${file}: no such identity file`);
    return work(file);
  }
  const key = process.env.SECRETS_IDENTITY_KEY;
  if (key) {
    const dir = mkdtempSync(join(tmpdir(), 'identity-'));
    try {
      const path = join(dir, 'identity');
      writeFileSync(path, key.endsWith('\n') ? key : `${key}\n`, { mode: 0o600 });
      return work(path);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  const own = join(homedir(), '.ssh', 'id_ed25519');
  if (existsSync(own)) return work(own);
  throw new SecretsError(
    'no identity; expected --identity FILE, SECRETS_IDENTITY=FILE or SECRETS_IDENTITY_KEY (a private key)',
  );
}
