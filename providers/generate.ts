// Generates the bindings of the providers without a prebuilt package (Proxmox, Gitea) into .gen/providers/<name>
// from their pinned schemas (run by npm ci).
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const target = join(root, '.gen');

/** Providers whose bindings are generated here; dns and github come prebuilt from npm (@cdktf/provider-*). */
const GENERATED = ['proxmox', 'gitea'];

async function generate(name: string): Promise<void> {
  const schemaPath = join(root, `providers/${name}/schema.json`);
  const stampPath = join(target, `providers/${name}/.schema-sha256`);
  const text = readFileSync(schemaPath, 'utf8');
  const digest = createHash('sha256').update(text).digest('hex');
  if (existsSync(stampPath) && readFileSync(stampPath, 'utf8') === digest) {
    console.log(`${name} bindings are up to date with providers/${name}/schema.json`);
    return;
  }
  // Generate aside, then swap, so an interrupted run never leaves half a binding tree behind.
  const scratch = `${target}.tmp-${process.pid}`;
  rmSync(scratch, { recursive: true, force: true });
  // Loading the generator runs `terraform version`, which warns loudly when its CLI config file is missing.
  const config = process.env.TF_CLI_CONFIG_FILE;
  if (config === undefined || !existsSync(config)) process.env.TF_CLI_CONFIG_FILE = '/dev/null';
  const { generateProviderBindingsFromSchema } = await import('@cdktf/provider-generator');
  await generateProviderBindingsFromSchema(scratch, JSON.parse(text));
  writeFileSync(join(scratch, `providers/${name}/.schema-sha256`), digest);
  mkdirSync(join(target, 'providers'), { recursive: true });
  rmSync(join(target, `providers/${name}`), { recursive: true, force: true });
  renameSync(join(scratch, `providers/${name}`), join(target, `providers/${name}`));
  rmSync(scratch, { recursive: true, force: true });
  console.log(`generated .gen/providers/${name} from providers/${name}/schema.json`);
}

async function main(): Promise<void> {
  for (const name of GENERATED) await generate(name);
}

main().catch((err: unknown) => {
  console.error(`provider binding generation failed: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
