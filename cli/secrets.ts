// `npm run secrets -- list | show KEY | set KEY | generate | rekey | rotate KEY [--identity FILE] [--store DIR]`:
// the encrypted secrets store (docs/secrets.md). The logic lives in members/secrets-ops.ts.
import { readFileSync } from 'node:fs';
import { loadInventory } from '../model/load.ts';
import {
  rekey,
  rotate,
  setSecret,
  storeContext,
  storeStatus,
  generateMissing,
} from '../members/secrets-ops.ts';
import { decrypt, defaultStore, SecretsError, secretPath } from '../members/secrets-store.ts';
import { commonOptions, STORE_OPTIONS } from './args.ts';
import { inventorySummary, printFindings } from './report.ts';
import { withIdentity } from './secrets-identity.ts';

const USAGE =
  'usage: npm run secrets -- list | show KEY | set KEY (value on stdin) | generate | rekey | rotate KEY [--identity FILE] [--store DIR] [--inventory DIR]';

const options = commonOptions(process.argv.slice(2), {
  name: 'secrets',
  summary:
    'The encrypted secrets store: list (names, scopes, recipients; never values), show, set (value on stdin), generate, rekey, rotate.',
  args: 'list | show KEY | set KEY | generate | rekey | rotate KEY',
  options: {
    ...STORE_OPTIONS,
  },
  example: 'npm run secrets -- generate',
  exits: ['done', 'the inventory or the store is not valid, or a secret could not be read or written'],
});
const [command, key] = options.positionals;
const say = (line: string): void => void process.stdout.write(`${line}\n`);

const loaded = loadInventory(options.inventory);
if (!loaded.model) {
  printFindings(loaded, (line) => process.stderr.write(`${line}\n`));
  process.stderr.write(`${inventorySummary(loaded)}; the store was not touched\n`);
  process.exit(1);
}
if (!loaded.model.inventory.org.secrets) {
  process.stderr.write(
    "secrets: org.yaml has no secrets.deploy_key; expected the deploy identity's public key\n",
  );
  process.exit(1);
}
const store = String(options.values.store ?? defaultStore(options.inventory));
const ctx = storeContext(loaded.model, store, options.inventory);
const identityOption = typeof options.values.identity === 'string' ? options.values.identity : undefined;

function list(): void {
  const rows = storeStatus(ctx);
  if (options.json)
    return say(
      JSON.stringify(
        rows.map(({ key, state, readers, need }) => ({
          key,
          state,
          readers,
          for: need?.for,
          vms: need?.vms,
        })),
        null,
        2,
      ),
    );
  for (const row of rows)
    say(
      `${row.key.padEnd(48)} ${row.state.padEnd(9)} ${row.need?.for ?? '(not needed)'}; readers: ${row.readers.join(', ') || '-'}`,
    );
  say(`${rows.length} secrets, ${rows.filter((r) => r.state === 'ok').length} ok`);
}

function needKey(): string {
  if (!key) {
    process.stderr.write(`${USAGE}\n`);
    process.exit(2);
  }
  return key;
}

try {
  switch (command) {
    case 'list':
      list();
      break;
    case 'show':
      withIdentity(identityOption, (identity) =>
        process.stdout.write(decrypt(secretPath(store, needKey()), identity)),
      );
      break;
    case 'set':
      setSecret(ctx, needKey(), readFileSync(0, 'utf8').replace(/\n$/, ''));
      say(`set ${key}`);
      break;
    case 'generate': {
      const made = generateMissing(ctx);
      for (const { key: k, publicKey } of made)
        say(
          publicKey
            ? `generated ${k}; publish its public key in vms.yaml (dkim.public_key): ${publicKey}`
            : `generated ${k}`,
        );
      say(`${made.length} secrets generated`);
      break;
    }
    case 'rekey': {
      const changed = withIdentity(identityOption, (identity) => rekey(ctx, identity));
      for (const k of changed) say(`rekeyed ${k}`);
      say(`${changed.length} secrets rekeyed`);
      break;
    }
    case 'rotate': {
      const publicKey = rotate(ctx, needKey());
      say(`rotated ${key}: converge hands the new value to ${ctx.needs.get(key!)!.vms.join(', ')}`);
      if (publicKey)
        say(`its new public key, for vms.yaml (dkim.public_key, with a new selector): ${publicKey}`);
      break;
    }
    default:
      process.stderr.write(`${USAGE}\n`);
      process.exit(2);
  }
} catch (err) {
  if (!(err instanceof SecretsError)) throw err;
  process.stderr.write(`secrets: ${err.message}\n`);
  process.exit(1);
}
