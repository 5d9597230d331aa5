// Generates the Proxmox provider bindings into .gen/providers/proxmox from the pinned schema (run by npm ci).
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const schemaPath = join(root, 'providers/proxmox/schema.json');
const target = join(root, '.gen');
const stampPath = join(target, 'providers/proxmox/.schema-sha256');

async function main(): Promise<void> {
  const text = readFileSync(schemaPath, 'utf8');
  const digest = createHash('sha256').update(text).digest('hex');
  if (existsSync(stampPath) && readFileSync(stampPath, 'utf8') === digest) {
    console.log('proxmox bindings are up to date with providers/proxmox/schema.json');
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
  writeFileSync(join(scratch, 'providers/proxmox/.schema-sha256'), digest);
  mkdirSync(join(target, 'providers'), { recursive: true });
  rmSync(join(target, 'providers/proxmox'), { recursive: true, force: true });
  renameSync(join(scratch, 'providers/proxmox'), join(target, 'providers/proxmox'));
  rmSync(scratch, { recursive: true, force: true });
  console.log('generated .gen/providers/proxmox from providers/proxmox/schema.json');
}

main().catch((err: unknown) => {
  console.error(`provider binding generation failed: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
