// `npm run providers:refresh [-- gitea]`: on a machine that reaches the Terraform registry, replaces the
// hand-written providers/<name>/schema.json (default proxmox) by the real `terraform providers schema -json`
// of the version constructs/provider-registry.ts pins.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  PROVIDER_PINS,
  providerAddress,
  providerNamed,
  providerTag,
} from '../constructs/provider-registry.ts';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const name = process.argv[2] ?? 'proxmox';
const pin = providerNamed(name);
if (pin === undefined) {
  const names = PROVIDER_PINS.map((p) => p.name).join(', ');
  console.error(
    `providers:refresh: "${name}" is not in constructs/provider-registry.ts; expected one of ${names}`,
  );
  process.exit(2);
}
const schemaPath = join(root, pin.schema);
const binary = process.env.TERRAFORM_BINARY_NAME ?? 'terraform';

const current = JSON.parse(readFileSync(schemaPath, 'utf8')) as { x_pinned?: Record<string, unknown> };
const scratch = mkdtempSync(join(tmpdir(), 'providers-refresh-'));

function run(args: string[]): string {
  const result = spawnSync(binary, args, { cwd: scratch, encoding: 'utf8', maxBuffer: 1 << 30 });
  if (result.error) throw new Error(`${binary} could not be started: ${result.error.message}`);
  if (result.status !== 0) throw new Error(`${binary} ${args.join(' ')} failed:\n${result.stderr}`);
  return result.stdout;
}

try {
  writeFileSync(
    join(scratch, 'main.tf'),
    `terraform {\n  required_providers {\n    ${name} = {\n      source  = "${pin.source}"\n      version = "= ${pin.version}"\n    }\n  }\n}\n`,
  );
  run(['init', '-input=false', '-no-color']);
  const schema = JSON.parse(run(['providers', 'schema', '-json'])) as Record<string, unknown>;
  const refreshed = {
    ...schema,
    provider_versions: { [providerAddress(pin)]: pin.version },
    x_pinned: {
      ...current.x_pinned,
      provider: pin.source,
      version: pin.version,
      tag: providerTag(pin),
      source: `terraform providers schema -json (${binary}), refreshed ${new Date().toISOString().slice(0, 10)}`,
    },
  };
  const tmp = `${schemaPath}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(refreshed, null, 2)}\n`);
  renameSync(tmp, schemaPath);
  console.log(
    `rewrote ${pin.schema} from ${pin.source} ${pin.version}; run npm run providers:generate, ` +
      `npm run providers:semantics -- ${name} <the provider's git repository at ${providerTag(pin)}> and npm test`,
  );
} catch (err) {
  console.error(`providers:refresh failed, schema.json left as it was: ${(err as Error).message}`);
  process.exitCode = 1;
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
