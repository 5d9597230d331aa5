// `npm run pipeline:check [-- FILE]`: checks .drone.yml against package.json and the inventory; exit 1 with located errors.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { z } from 'zod';
import { formatFinding } from '../inventory/findings.ts';
import { loadInventory } from '../model/load.ts';
import { checkPipelines } from '../review/pipeline-check.ts';
import { snippetStacks } from '../stacks/node-ssh.ts';
import { commonOptions } from './args.ts';

const options = commonOptions(process.argv.slice(2), {
  name: 'pipeline:check',
  summary:
    'Checks a Drone pipeline file against package.json and the inventory: npm scripts that exist, secrets only through from_secret, pinned images.',
  args: '[FILE]',
  options: {
    package: {
      type: 'string',
      arg: 'FILE',
      help: 'the package.json whose scripts the pipeline may run (default: beside FILE)',
    },
  },
  example: 'npm run pipeline:check -- .drone.yml',
  exits: ['the pipeline passes', 'findings, located as FILE:LINE:COL'],
});
const file = options.positionals[0] ?? '.drone.yml';
const packageFile = String(options.values.package ?? join(dirname(file), 'package.json'));
if (!existsSync(file)) {
  process.stderr.write(`pipeline:check: ${file} does not exist; expected a Drone pipeline file\n`);
  process.exit(1);
}

const packageJson = z.object({ scripts: z.record(z.string(), z.string()).default({}) }).loose();
let scripts: Set<string>;
try {
  scripts = new Set(Object.keys(packageJson.parse(JSON.parse(readFileSync(packageFile, 'utf8'))).scripts));
} catch (err) {
  process.stderr.write(
    `pipeline:check: ${packageFile}: ${(err as Error).message}; expected a package.json with scripts\n`,
  );
  process.exit(1);
}
const root = dirname(packageFile);
const hasLockfile =
  existsSync(join(root, 'package-lock.json')) || existsSync(join(root, 'npm-shrinkwrap.json'));

// Which stacks upload snippets over SSH decides which applying steps need the SSH secrets.
const inventory = loadInventory(options.inventory);
if (!inventory.inventory) {
  process.stderr.write(
    `pipeline:check: the inventory in ${options.inventory} has ${inventory.errors.length} errors; run npm run check\n`,
  );
  process.exit(1);
}
const facts = { scripts, hasLockfile, snippetStacks: snippetStacks(inventory.inventory) };
const result = checkPipelines(readFileSync(file, 'utf8'), file, facts);
if (options.json) {
  process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
} else {
  for (const f of result.findings) process.stdout.write(`${formatFinding(f)}\n`);
  const errors = result.findings.length;
  process.stdout.write(
    `${file}: ${result.pipelines} pipelines, ${result.steps} steps: ${errors} error${errors === 1 ? '' : 's'}\n`,
  );
}
process.exitCode = result.findings.length > 0 ? 1 : 0;
