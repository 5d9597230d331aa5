// `npm run converge -- [--check --diff] [--limit VM] [--site SITE]`: runs the generated playbooks against the VMs.
//
// SSH goes through the jump host as the deploy account, with host keys pinned in a known_hosts file (never
// accepted blindly). Each VM gets its own ansible-playbook run, so one failing VM never stops the others;
// the replicas of an anti-affinity group take turns, and a failed replica leaves the next one untouched.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { groupName } from '../baseline/ansible.ts';
import { convergeWaves } from '../baseline/converge-waves.ts';
import { fqdn } from '../inventory/names.ts';
import { loadInventory } from '../model/load.ts';
import { JUMP_KIND } from '../services/catalog.ts';
import { commonOptions, STORE_OPTIONS } from './args.ts';
import { secretsForConverge } from './converge-secrets.ts';
import { inventorySummary, printFindings } from './report.ts';
import {
  CONNECTIONS,
  MITOGEN_STRATEGY,
  mitogenMissing,
  STRATEGIES,
  writeConnectionPlugins,
} from './mitogen.ts';
import { playbookArgs, shellJoin } from './ssh-command.ts';

const options = commonOptions(process.argv.slice(2), {
  name: 'converge',
  summary:
    'Runs the generated playbooks against the VMs through the jump host, host keys pinned, one ansible-playbook per VM, replicas in turns.',
  options: {
    out: {
      type: 'string',
      default: 'cdktf.out',
      arg: 'DIR',
      help: 'the synth output holding artifacts/ansible/',
    },
    check: { type: 'boolean', default: false, help: 'ansible-playbook --check: report, change nothing' },
    diff: { type: 'boolean', default: false, help: 'ansible-playbook --diff: show file changes' },
    limit: { type: 'string', arg: 'VM,...', help: 'only these VMs' },
    site: { type: 'string', arg: 'SITE', help: 'only the VMs of this site (name or Ansible group)' },
    'known-hosts': {
      type: 'string',
      arg: 'FILE',
      help: 'pinned host keys (default: $CONVERGE_KNOWN_HOSTS, else INVENTORY/known_hosts)',
    },
    user: {
      type: 'string',
      arg: 'USER',
      help: 'the SSH account (default: $CONVERGE_USER, else org.yaml admin.user)',
    },
    parallel: { type: 'string', default: '4', arg: 'N', help: 'VMs converged at once within a wave' },
    strategy: {
      type: 'string',
      default: MITOGEN_STRATEGY,
      arg: STRATEGIES.join('|'),
      help: "Ansible's strategy: Mitogen's (Debian's ansible-mitogen; a sixth of the CPU), or plain Ansible's",
    },
    'dry-run': {
      type: 'boolean',
      default: false,
      help: 'print the ansible-playbook commands instead of running them',
    },
    ...STORE_OPTIONS,
  },
  example: 'npm run converge -- --check --diff --limit gitea --known-hosts cdktf.out/known_hosts',
  exits: ['every selected VM converged', 'a VM failed or was skipped, or nothing to converge'],
});
const v = options.values;
const say = (line: string): void => void process.stdout.write(`${line}\n`);
const fail = (line: string): never => {
  process.stderr.write(`${line}\n`);
  process.exit(1);
};

const strategy = String(v.strategy);
if (!(STRATEGIES as readonly string[]).includes(strategy)) {
  process.stderr.write(`--strategy ${strategy}: expected one of ${STRATEGIES.join(', ')}\n`);
  process.exit(2);
}
if (strategy === MITOGEN_STRATEGY && !v['dry-run']) {
  const missing = mitogenMissing();
  if (missing) fail(`${missing}, or run with --strategy linear; nothing converged`);
}

const result = loadInventory(options.inventory);
if (!result.model) {
  printFindings(result, (line) => process.stderr.write(`${line}\n`));
  fail(`${inventorySummary(result)}; nothing converged`);
}
const model = result.model!;
const { inventory } = model;
const ansibleDir = resolve(String(v.out), 'artifacts', 'ansible');
if (!existsSync(join(ansibleDir, 'inventory.yml')))
  fail(`${ansibleDir}/inventory.yml is missing; run npm run synth first`);

// The deploy account: CONVERGE_USER where the pipeline sets one, else the bootstrap admin of org.yaml.
// An empty variable counts as unset: a pipeline that clears it must not log in as nobody (`@jump`).
const user = String(v.user ?? (process.env.CONVERGE_USER || inventory.org.admin.user));
// Host keys are public: the team commits them next to the inventory after each VM's first boot.
const knownHosts = resolve(
  String(v['known-hosts'] ?? (process.env.CONVERGE_KNOWN_HOSTS || join(options.inventory, 'known_hosts'))),
);
if (!v['dry-run'] && !existsSync(knownHosts))
  fail(`${knownHosts}: no known_hosts file; expected the VMs' pinned SSH host keys (see docs/services.md)`);

const jump = inventory.vms.find((vm) => vm.services.some((s) => s.kind === JUMP_KIND));
const target = { knownHosts, user, ...(jump ? { jump: fqdn(inventory, jump) } : {}) };

function isPinned(host: string): boolean {
  return spawnSync('ssh-keygen', ['-F', host, '-f', knownHosts], { stdio: 'ignore' }).status === 0;
}

function run(vm: string): Promise<boolean> {
  const args = playbookArgs({
    ...target,
    inventoryFile: join(ansibleDir, 'inventory.yml'),
    playbook: join(ansibleDir, 'vms', `${vm}.yml`),
    check: Boolean(v.check),
    diff: Boolean(v.diff),
    extraArgs: secrets.args(vm),
  });
  if (v['dry-run']) {
    say(shellJoin(['ansible-playbook', ...args]));
    return Promise.resolve(true);
  }
  return new Promise((done) => {
    const child = spawn('ansible-playbook', args, {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: {
        ...process.env,
        ANSIBLE_STRATEGY: strategy,
        ...mitogenEnv,
        ANSIBLE_NOCOLOR: '1',
        ANSIBLE_PIPELINING: '1',
        ANSIBLE_RETRY_FILES_ENABLED: '0',
      },
    });
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (out += c.toString()));
    child.once('error', (err) => {
      say(`--- ${vm}: ansible-playbook did not start: ${err.message}`);
      done(false);
    });
    child.once('exit', (code) => {
      say(`--- ${vm}: ${code === 0 ? 'ok' : `FAILED (exit ${code})`}\n${out.trimEnd()}`);
      done(code === 0);
    });
  });
}

async function runAll(vms: readonly string[], parallel: number): Promise<Map<string, boolean>> {
  const results = new Map<string, boolean>();
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < vms.length) {
      const vm = vms[next++]!;
      results.set(vm, await run(vm));
    }
  };
  await Promise.all(Array.from({ length: Math.min(parallel, vms.length) }, lane));
  return results;
}

const only = v.limit ? new Set(String(v.limit).split(',')) : undefined;
// --site takes the site's name or its Ansible group (site_ber1), as the pipeline reads it from inventory.yml.
const sites = convergeWaves(model, only).filter(
  (s) => !v.site || s.site === v.site || groupName('site', s.site) === `site_${String(v.site)}`,
);
if (sites.length === 0)
  fail(`no Debian VM matches${v.limit ? ` --limit ${v.limit}` : ''}${v.site ? ` --site ${v.site}` : ''}`);
const group = new Map(inventory.vms.map((vm) => [vm.name, vm.anti_affinity]));
// Decrypted once, before any run, into a private directory removed on every exit (docs/secrets.md).
const secrets = secretsForConverge(
  model,
  options,
  sites.flatMap((s) => s.waves.flat()),
  fail,
);
process.once('exit', () => secrets.cleanup());
// Mitogen's SSH connection, which hands Mitogen plain strings (cli/mitogen.ts), in a folder of this run's own.
const plugins =
  strategy === MITOGEN_STRATEGY && !v['dry-run']
    ? writeConnectionPlugins(mkdtempSync(join(tmpdir(), 'converge-')))
    : undefined;
if (plugins) process.once('exit', () => rmSync(plugins, { recursive: true, force: true }));
const mitogenEnv = plugins ? { ANSIBLE_CONNECTION_PLUGINS: plugins, ANSIBLE_TRANSPORT: CONNECTIONS.ssh } : {};
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => process.exit(130));
const outcome = new Map<string, string>();
if (v['dry-run']) say(`each ansible-playbook runs with ANSIBLE_STRATEGY=${strategy}`);
for (const { site, waves } of sites) {
  const failedGroups = new Set<string>();
  for (const [i, wave] of waves.entries()) {
    const ready: string[] = [];
    for (const vm of wave) {
      const g = group.get(vm);
      if (g && failedGroups.has(g)) outcome.set(vm, `skipped: a replica of ${g} failed before it`);
      else if (!v['dry-run'] && !isPinned(`${vm}.${inventory.org.domain}`))
        outcome.set(vm, `skipped: no pinned host key in ${knownHosts}`);
      else ready.push(vm);
    }
    say(`=== site ${site}, wave ${i + 1}: ${ready.join(' ') || '(nothing)'}`);
    for (const [vm, ok] of await runAll(ready, Math.max(1, Number(v.parallel) || 1))) {
      outcome.set(vm, v['dry-run'] ? 'ok (dry run: printed, not run)' : ok ? 'ok' : 'failed');
      const g = group.get(vm);
      if (!ok && g) failedGroups.add(g);
    }
  }
}

say(`\n${v.check ? 'check' : 'converge'} summary:`);
for (const [vm, text] of [...outcome].sort(([a], [b]) => a.localeCompare(b)))
  say(`  ${vm.padEnd(20)} ${text}`);
const bad = [...outcome.values()].filter((t) => !t.startsWith('ok')).length;
say(
  bad === 0
    ? `all ${outcome.size} VMs ${v.check ? 'checked' : 'converged'}`
    : `${bad} of ${outcome.size} VMs not converged`,
);
process.exit(bad === 0 ? 0 : 1);
