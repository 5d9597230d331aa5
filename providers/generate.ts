// Generates the bindings of the providers without a prebuilt package (constructs/provider-registry.ts says
// which) from their pinned schemas into the registry's folder, at the registry's version (run by npm ci).
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PROVIDER_PINS, providerAddress, type ProviderPin } from '../constructs/provider-registry.ts';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const target = join(root, '.gen');

/**
 * The pinned schema, with the registry's version as the one the bindings pin: a version moved in the registry
 * before its schema was refreshed still reaches required_providers (and the warning says to refresh).
 */
function schemaAtRegistryVersion(pin: ProviderPin): { text: string; schema: Record<string, unknown> } {
  const text = readFileSync(join(root, pin.schema), 'utf8');
  const schema = JSON.parse(text) as Record<string, unknown>;
  const pinned = (schema.x_pinned as { version?: string } | undefined)?.version;
  if (pinned !== pin.version)
    console.warn(
      `${pin.schema} describes ${pin.source} ${String(pinned)}, the registry pins ${pin.version}: ` +
        `run npm run providers:refresh -- ${pin.name}`,
    );
  return { text, schema: { ...schema, provider_versions: { [providerAddress(pin)]: pin.version } } };
}

async function generate(pin: ProviderPin, dir: string): Promise<void> {
  const { name } = pin;
  const stampPath = join(root, dir, '.schema-sha256');
  const { text, schema } = schemaAtRegistryVersion(pin);
  const digest = createHash('sha256').update(text).update(`\0${pin.source} ${pin.version}`).digest('hex');
  if (existsSync(stampPath) && readFileSync(stampPath, 'utf8') === digest) {
    console.log(`${name} bindings are up to date with ${pin.schema}`);
    return;
  }
  // Generate aside, then swap, so an interrupted run never leaves half a binding tree behind.
  const scratch = `${target}.tmp-${process.pid}`;
  rmSync(scratch, { recursive: true, force: true });
  // Loading the generator runs `terraform version`, which warns loudly when its CLI config file is missing.
  const config = process.env.TF_CLI_CONFIG_FILE;
  if (config === undefined || !existsSync(config)) process.env.TF_CLI_CONFIG_FILE = '/dev/null';
  const { generateProviderBindingsFromSchema } = await import('@cdktf/provider-generator');
  await generateProviderBindingsFromSchema(scratch, schema);
  writeFileSync(join(scratch, `providers/${name}/.schema-sha256`), digest);
  mkdirSync(dirname(join(root, dir)), { recursive: true });
  rmSync(join(root, dir), { recursive: true, force: true });
  renameSync(join(scratch, `providers/${name}`), join(root, dir));
  rmSync(scratch, { recursive: true, force: true });
  console.log(`generated ${dir} from ${pin.schema}`);
}

async function main(): Promise<void> {
  for (const pin of PROVIDER_PINS)
    if (pin.bindings.kind === 'generated') await generate(pin, pin.bindings.dir);
}

main().catch((err: unknown) => {
  console.error(`provider binding generation failed: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
