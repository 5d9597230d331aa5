// Runs Debian's real cloud-init schema validation over many cloud-configs in one Python process.
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

/** The installed `cloud-init` command, or undefined (the tests that need it skip and say why). */
export const CLOUD_INIT: string | undefined = (() => {
  const found = spawnSync('sh', ['-c', 'command -v cloud-init'], { encoding: 'utf8' });
  return found.status === 0 ? found.stdout.trim() : undefined;
})();

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

/** One line per file: `VALID path`, `DEPRECATED path: ...` or `INVALID path: ...`. Needs CLOUD_INIT. */
export function validateCloudConfigs(paths: readonly string[]): string[] {
  if (!CLOUD_INIT) throw new Error('cloud-init is not installed');
  if (paths.length === 0) return [];
  const out = execFileSync(python(CLOUD_INIT), ['-c', VALIDATE, ...paths], { encoding: 'utf8' });
  return out.trim().split('\n');
}
