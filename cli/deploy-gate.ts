// `npm run deploy:gate -- PLAN.json --stack STACK`: refuses (exit 1) a plan that destroys or replaces a protected
// resource unless the deployed commit carries `Allow-Destroy: STACK/ADDRESS`; `--list-stacks` prints the deploy order.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { loadInventory } from '../model/load.ts';
import {
  addProtection,
  allowDestroyTrailers,
  decide,
  protectionsInPlan,
  renderDecision,
} from '../review/deploy-gate.ts';
import { unprovenKeys } from '../review/access-review.ts';
import { PlanError, readPlan } from '../review/plan.ts';
import { deployOrder } from '../review/stack-order.ts';
import { stackJsonSchema } from '../stacks/stack-json.ts';
import { protectedResources } from '../stacks/naming.ts';
import { commonOptions } from './args.ts';
import { inventorySummary, printFindings } from './report.ts';

const USAGE = [
  'usage: npm run deploy:gate -- PLAN.json --stack STACK [--inventory DIR] [--commit REF] [--before REF] [--synth-dir DIR]',
  '       npm run deploy:gate -- --list-stacks [--inventory DIR] [--synth-dir DIR]',
].join('\n');

const options = commonOptions(process.argv.slice(2), {
  name: 'deploy:gate',
  summary:
    'Refuses a plan that destroys or replaces a protected resource unless the deployed commit carries Allow-Destroy: STACK/ADDRESS; --list-stacks prints the deploy order.',
  args: 'PLAN.json',
  options: {
    stack: { type: 'string', arg: 'STACK', help: 'the stack the plan belongs to (required with PLAN.json)' },
    commit: { type: 'string', default: 'HEAD', arg: 'REF', help: 'the commit being deployed' },
    before: {
      type: 'string',
      arg: 'REF',
      help: 'the commit deployed before (trailers are read from BEFORE..COMMIT)',
    },
    'synth-dir': { type: 'string', default: 'cdktf.out', arg: 'DIR', help: 'the synth output' },
    'list-stacks': { type: 'boolean', default: false, help: 'print the stacks in deploy order and exit' },
  },
  example: 'npm run deploy:gate -- cdktf.out/stacks/dns/plan.json --stack dns --commit HEAD --before HEAD~1',
  exits: [
    'the plan may be applied (or the stacks were listed)',
    'REFUSED: a protected resource would go without a reviewed opt-in',
  ],
});
const out = (line: string): void => {
  process.stdout.write(`${line}\n`);
};
const fail = (line: string): never => {
  process.stderr.write(`deploy-gate: ${line}\n`);
  process.exit(1);
};

// The gate fails closed: an inventory it cannot read protects nothing, so nothing is applied.
const loaded = loadInventory(options.inventory);
if (!loaded.inventory) {
  printFindings(loaded, (line) => process.stderr.write(`${line}\n`));
  fail(`REFUSED: the inventory does not load (${inventorySummary(loaded)})`);
}
const inventory = loaded.inventory!;
const synthDir = String(options.values['synth-dir']);

if (options.values['list-stacks']) {
  const stacksDir = join(synthDir, 'stacks');
  const synthesized = existsSync(stacksDir) ? readdirSync(stacksDir).sort() : [];
  for (const stack of deployOrder(inventory, synthesized)) out(stack);
  process.exit(0);
}

const file = options.positionals[0];
const stack = options.values.stack;
if (!file || options.positionals.length > 1 || typeof stack !== 'string') {
  process.stderr.write(`${USAGE}\n`);
  process.exit(2);
}

let plan: ReturnType<typeof readPlan>;
try {
  plan = readPlan(file);
} catch (err) {
  if (!(err instanceof PlanError)) throw err;
  fail(`REFUSED: ${err.message}`);
}

const protections = protectionsInPlan(plan!);
for (const p of protectedResources(inventory)) {
  if (p.stack === stack) addProtection(protections, p.address, `inventory: protected VM ${p.vm}`);
}
const stackJson = join(synthDir, 'stacks', stack, 'cdk.tf.json');
if (existsSync(stackJson)) {
  const parsed = stackJsonSchema.safeParse(JSON.parse(readFileSync(stackJson, 'utf8')));
  if (!parsed.success) fail(`REFUSED: ${stackJson} is not a cdktf stack JSON`);
  for (const [type, byName] of Object.entries(parsed.data?.resource ?? {})) {
    for (const [name, value] of Object.entries(byName)) {
      const lifecycle = (value as { lifecycle?: { prevent_destroy?: unknown } } | null)?.lifecycle;
      if (lifecycle?.prevent_destroy === true)
        addProtection(protections, `${type}.${name}`, 'lifecycle.prevent_destroy');
    }
  }
}

const commit = String(options.values.commit);
const git = (args: string[]): { ok: boolean; stdout: string } => {
  const r = spawnSync('git', args, { encoding: 'utf8' });
  return { ok: r.status === 0, stdout: r.stdout ?? '' };
};
const message = git(['log', '-1', '--format=%B', commit, '--']);
if (!message.ok) fail(`REFUSED: cannot read the message of commit "${commit}"`);
const messages = [message.stdout];
const before = options.values.before;
// A push can bring several commits (a merge): their messages were reviewed together, so each may allow.
// Each message is parsed on its own: only its own trailer block counts.
if (typeof before === 'string' && before !== '' && !/^0+$/.test(before)) {
  const range = git(['log', '-z', '--format=%B', `${before}..${commit}`, '--']);
  if (range.ok) messages.push(...range.stdout.split('\0'));
  else process.stderr.write(`deploy-gate: cannot read ${before}..${commit}; reading ${commit} alone\n`);
}
const shortCommit = git(['rev-parse', '--short', commit]).stdout.trim() || commit;

const decision = decide(plan!, stack, protections, messages.flatMap(allowDestroyTrailers));
const write = decision.ok ? process.stdout : process.stderr;
for (const line of renderDecision(decision, shortCommit)) write.write(`${line}\n`);

// Every key the deployed change adds to members.yaml must have signed one of its commits; otherwise nobody has
// shown that the person holds the private key, and no stack is applied (cloud-init snippets carry keys too).
const root = git(['rev-parse', '--show-toplevel']).stdout.trim();
const keyBase = typeof before === 'string' && before !== '' && !/^0+$/.test(before) ? before : `${commit}^`;
const inventoryInRepo = relative(root, resolve(options.inventory));
let unproven: string[] = [];
if (root === '' || inventoryInRepo.startsWith('..')) {
  out(
    `deploy-gate: key possession not checked: ${options.inventory} is not inside the repository of ${shortCommit}`,
  );
} else if (!git(['rev-parse', '--verify', '--quiet', `${keyBase}^{commit}`]).ok) {
  // A first commit has nothing before it to tell added keys from existing ones.
  out(
    `deploy-gate: key possession not checked: no revision ${keyBase} before ${shortCommit} to compare with`,
  );
} else {
  unproven = unprovenKeys(root, keyBase, commit, inventoryInRepo);
  for (const line of unproven) process.stderr.write(`deploy-gate: REFUSED ${stack}: ${line}\n`);
}
process.exitCode = decision.ok && unproven.length === 0 ? 0 : 1;
