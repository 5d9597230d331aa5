// `npm run deploy:gate -- PLAN.json --stack STACK --deployed REF --main REF`: refuses (exit 1) a commit that is not
// main's tip, an unknown last-deployed revision, a plan that destroys or weakens a protected resource without
// `Allow-Destroy: STACK/ADDRESS`, and an access change neither proven nor allowed; `--list-stacks` prints the order.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { loadInventory } from '../model/load.ts';
import {
  addProtection,
  allowAccessTrailers,
  allowDestroyTrailers,
  decide,
  protectionsInPlan,
  renderDecision,
} from '../review/deploy-gate.ts';
import { unprovenAccess } from '../review/access-review.ts';
import { inventoryAt } from '../review/inventory-at.ts';
import { PlanError, readPlan } from '../review/plan.ts';
import { deployOrder } from '../review/stack-order.ts';
import { stackJsonSchema } from '../stacks/stack-json.ts';
import { protectedResources } from '../stacks/naming.ts';
import { commonOptions } from './args.ts';
import { inventorySummary, printFindings } from './report.ts';

const USAGE = [
  'usage: npm run deploy:gate -- PLAN.json --stack STACK --deployed REF --main REF [--inventory DIR] [--commit REF] [--synth-dir DIR]',
  '       npm run deploy:gate -- PLAN.json --stack STACK --rehearsal [--inventory DIR] [--synth-dir DIR]',
  '       npm run deploy:gate -- --list-stacks [--inventory DIR] [--synth-dir DIR]',
].join('\n');

const options = commonOptions(process.argv.slice(2), {
  name: 'deploy:gate',
  summary:
    "Refuses a commit that is not main's tip, an unknown deployed revision, a plan that destroys or weakens a protected resource without Allow-Destroy: STACK/ADDRESS, and an access change neither proven nor allowed; --list-stacks prints the deploy order.",
  args: 'PLAN.json',
  options: {
    stack: { type: 'string', arg: 'STACK', help: 'the stack the plan belongs to (required with PLAN.json)' },
    commit: { type: 'string', default: 'HEAD', arg: 'REF', help: 'the commit being deployed' },
    deployed: {
      type: 'string',
      arg: 'REF',
      help: 'the last deployed revision (refs/deployed/STACK); trailers are read from DEPLOYED..COMMIT',
    },
    main: { type: 'string', arg: 'REF', help: "main's tip: only it is deployed" },
    rehearsal: {
      type: 'boolean',
      default: false,
      help: "the plan's checks only, as npm run rehearse runs it (no history, no trailers)",
    },
    'synth-dir': { type: 'string', default: 'cdktf.out', arg: 'DIR', help: 'the synth output' },
    'list-stacks': { type: 'boolean', default: false, help: 'print the stacks in deploy order and exit' },
  },
  example:
    'npm run deploy:gate -- cdktf.out/stacks/dns/plan.json --stack dns --deployed origin/deployed/dns --main origin/main',
  exits: [
    'the plan may be applied (or the stacks were listed)',
    "REFUSED: not main's tip, an unknown deployed revision, a protected resource without a reviewed opt-in, or unproven access",
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

// A rehearsal (npm run rehearse, against the simulator) has no deployed revision and no history to prove: only
// the plan's checks run, with no trailer allowing anything, and the output says what was left out.
if (options.values.rehearsal) {
  const decision = decide(plan!, stack, protections, []);
  const write = decision.ok ? process.stdout : process.stderr;
  for (const line of renderDecision(decision, 'rehearsal')) write.write(`${line}\n`);
  out(`rehearsal: main's tip, the deployed revision and access proofs are checked only by the deploy`);
  process.exit(decision.ok ? 0 : 1);
}

const git = (args: string[]): { ok: boolean; stdout: string } => {
  const r = spawnSync('git', args, { encoding: 'utf8' });
  return { ok: r.status === 0, stdout: r.stdout ?? '' };
};
const sha = (ref: string): string | undefined => {
  if (ref === '' || /^0+$/.test(ref)) return undefined;
  const r = git(['rev-parse', '--verify', '--quiet', `${ref}^{commit}`]);
  return r.ok ? r.stdout.trim() : undefined;
};
const commitRef = String(options.values.commit);
const commit = sha(commitRef) ?? fail(`REFUSED ${stack}: cannot read commit "${commitRef}"`);
const shortCommit = commit.slice(0, 7);

// Only main's tip deploys: a re-run of an old build, or a build of another branch, would roll back.
const mainRef = options.values.main;
const main = typeof mainRef === 'string' ? sha(mainRef) : undefined;
if (main !== commit)
  fail(
    `REFUSED ${stack}: commit ${shortCommit} is not the tip of main (${typeof mainRef === 'string' ? `${mainRef} is ${main?.slice(0, 7) ?? 'unknown'}` : 'no --main given'}); only the newest commit of main is deployed`,
  );

// The gate compares with what was last deployed (the deploy records it), never with what the push claims.
const deployedRef = options.values.deployed;
const deployed = typeof deployedRef === 'string' ? sha(deployedRef) : undefined;
if (!deployed)
  fail(
    `REFUSED ${stack}: the last deployed revision ${typeof deployedRef === 'string' && deployedRef !== '' ? `"${deployedRef}" is unknown in this clone` : 'was not given'}; nothing is compared with an unknown base. For a first deploy, a maintainer records a reviewed base: git push origin SHA:refs/deployed/${stack}`,
  );
if (!git(['merge-base', '--is-ancestor', deployed!, commit]).ok)
  fail(
    `REFUSED ${stack}: the deployed revision ${deployed!.slice(0, 7)} is not an ancestor of ${shortCommit} (history was rewritten); a maintainer must review and record a new base`,
  );

// Every commit since the deployed one was reviewed on its way in: each message may allow, from its own trailers.
const range = git(['log', '-z', '--format=%B', `${deployed}..${commit}`, '--']);
if (!range.ok) fail(`REFUSED ${stack}: cannot read the commits ${deployed}..${commit}`);
const messages = range.stdout.split('\0').filter((m) => m.trim() !== '');

const root = git(['rev-parse', '--show-toplevel']).stdout.trim();
const inventoryInRepo = relative(root, resolve(options.inventory));
if (root === '' || inventoryInRepo.startsWith('..'))
  fail(
    `REFUSED ${stack}: ${options.inventory} is not inside the repository of ${shortCommit}; nothing can be compared`,
  );

// A VM protected at the deployed revision stays protected until a trailer says otherwise: unprotecting first
// and destroying in a second merge needs the same trailer as destroying at once.
const atDeployed = inventoryAt(root, deployed!, inventoryInRepo)?.inventory;
for (const p of atDeployed ? protectedResources(atDeployed) : [])
  if (p.stack === stack)
    addProtection(
      protections,
      p.address,
      `protected VM ${p.vm} at the deployed revision ${deployed!.slice(0, 7)}`,
    );

const decision = decide(plan!, stack, protections, messages.flatMap(allowDestroyTrailers));
const write = decision.ok ? process.stdout : process.stderr;
for (const line of renderDecision(decision, shortCommit)) write.write(`${line}\n`);

// Every access change since the deployed revision is proven by the right keys or allowed by a reviewed trailer;
// otherwise no stack is applied and nothing converges (cloud-init snippets and playbooks carry keys too).
const unproven = unprovenAccess(
  root,
  deployed!,
  commit,
  inventoryInRepo,
  messages.flatMap(allowAccessTrailers),
);
for (const line of unproven) process.stderr.write(`deploy-gate: REFUSED ${stack}: ${line}\n`);
process.exitCode = decision.ok && unproven.length === 0 ? 0 : 1;
