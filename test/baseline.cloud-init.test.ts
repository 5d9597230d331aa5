// Every cloud-config of the example passes the real `cloud-init schema` (Debian's cloud-init 22.4), and a
// broken one does not. Skipped with a printed reason where cloud-init is not installed (CI installs it).
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { renderCloudConfig } from '../baseline/cloud-config.ts';
import { loadInventory } from '../inventory/inventory.ts';

function cloudInit(): string | undefined {
  const found = spawnSync('sh', ['-c', 'command -v cloud-init'], { encoding: 'utf8' });
  return found.status === 0 ? found.stdout.trim() : undefined;
}

const CLOUD_INIT = cloudInit();
if (!CLOUD_INIT)
  console.warn(
    'cloud-init is not installed (apt-get install cloud-init): skipping the cloud-config schema tests',
  );

/**
 * Validates many files in one Python process with the function `cloud-init schema --config-file` calls
 * (0.5 s of start-up per file otherwise). Deprecations count as failures too: the CLI only prints them.
 */
const VALIDATE = `
import contextlib, io, sys
from cloudinit.config.schema import SchemaValidationError, get_schema, validate_cloudconfig_file
schema = get_schema()
for path in sys.argv[1:]:
    out = io.StringIO()
    try:
        with contextlib.redirect_stdout(out):
            validate_cloudconfig_file(path, schema, False)
        printed = out.getvalue().strip()
        print(("DEPRECATED " + path + ": " + printed) if printed else ("VALID " + path))
    except (SchemaValidationError, RuntimeError) as e:
        print("INVALID " + path + ": " + str(e).replace("\\n", " "))
`;

/** The interpreter cloud-init itself runs with (its shebang), not whatever python3 comes first on PATH. */
function python(cli: string): string {
  const first = readFileSync(cli, 'utf8').split('\n')[0] ?? '';
  return first.startsWith('#!') ? first.slice(2).trim().split(' ')[0]! : '/usr/bin/python3';
}

const work = mkdtempSync(join(tmpdir(), 'cloud-config-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe.skipIf(!CLOUD_INIT)('cloud-init schema', () => {
  it('accepts the cloud-config of every VM of the example, without deprecations', () => {
    const inventory = loadInventory('inventory').inventory!;
    const paths = inventory.vms.map((vm) => {
      const path = join(work, `${vm.name}.yaml`);
      writeFileSync(path, renderCloudConfig(inventory, vm));
      return path;
    });
    const out = execFileSync(python(CLOUD_INIT!), ['-c', VALIDATE, ...paths], { encoding: 'utf8' });
    const lines = out.trim().split('\n');
    expect(lines.filter((l) => !l.startsWith('VALID '))).toEqual([]);
    expect(lines).toHaveLength(43);
  });

  it('accepts an os: other cloud-config through the real CLI, which says so and exits 0', () => {
    const inventory = loadInventory('inventory').inventory!;
    const vm = { ...inventory.vms[0]!, os: 'other' as const };
    const path = join(work, 'other.yaml');
    writeFileSync(path, renderCloudConfig(inventory, vm));
    const run = spawnSync(CLOUD_INIT!, ['schema', '--config-file', path], { encoding: 'utf8' });
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).toContain(`Valid cloud-config: ${path}`);
  });

  it('rejects a broken cloud-config: the CLI exits 1 and names the field', () => {
    const inventory = loadInventory('inventory').inventory!;
    const good = renderCloudConfig(inventory, inventory.vms[0]!);
    // A single package name where cloud-init wants a list.
    const broken = good.replace(/^packages:\n(?: {2}- .*\n)+/m, 'packages: nginx\n');
    expect(broken).not.toBe(good);
    const path = join(work, 'broken.yaml');
    writeFileSync(path, broken);
    const run = spawnSync(CLOUD_INIT!, ['schema', '--config-file', path], { encoding: 'utf8' });
    expect(run.status).toBe(1);
    expect(run.stderr).toContain("packages: 'nginx' is not of type 'array'");
    const loop = execFileSync(python(CLOUD_INIT!), ['-c', VALIDATE, path], { encoding: 'utf8' });
    expect(loop).toMatch(/^INVALID .*packages: 'nginx' is not of type 'array'/);
  });
});
