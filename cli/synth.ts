// `npm run synth`: validates the inventory, synthesizes every stack into cdktf.out, prints a summary per stack.
//
// Only the option parser and the stacks' child are imported up front: the child (cdktf's loading, the longest
// path of a synth) starts at once, and this process loads the rest of its modules beside it.
import { startStackChild } from '../stacks/stack-child.ts';
import { commonOptions } from './args.ts';

const options = commonOptions(process.argv.slice(2), {
  name: 'synth',
  summary:
    'Validates the inventory, synthesizes every stack and artifact into the output folder, and prints a summary per stack.',
  options: {
    out: {
      type: 'string',
      default: 'cdktf.out',
      arg: 'DIR',
      help: 'the output folder (replaced as a whole)',
    },
    quiet: { type: 'boolean', default: false, help: 'print nothing but errors' },
    timing: {
      type: 'boolean',
      default: false,
      help: 'print the work time without start-up on stderr (for npm run bench)',
    },
  },
  example: 'npm run synth -- --out /tmp/out',
  exits: ['written', 'the inventory has errors or a backend setting is bad; nothing written'],
});
const stackChild = startStackChild(process.env);
const [{ icingaCounts }, { clusterStackName }, { inventorySummary }, { synthOrExit }] = await Promise.all([
  import('../monitoring/icinga2.ts'),
  import('../stacks/naming.ts'),
  import('./report.ts'),
  import('./synth-run.ts'),
]);
const started = performance.now();
const say = (line: string): void => {
  if (!options.values.quiet) process.stdout.write(`${line}\n`);
};

const { result, model, monitoring, summaries } = await synthOrExit(
  options.inventory,
  String(options.values.out),
  process.env,
  stackChild,
);
for (const w of result.warnings) say(`${w.file}:${w.line}:${w.col}  ${w.path}  warning: ${w.message}`);

// --timing: the work itself (load, synth, write), without Node's start-up, for `npm run bench`.
if (options.values.timing) process.stderr.write(`work-ms ${(performance.now() - started).toFixed(1)}\n`);

if (options.json) {
  process.stdout.write(
    `${JSON.stringify(
      summaries.map((s) => ({ stack: s.stack, resources: Object.fromEntries(s.resources) })),
      null,
      2,
    )}\n`,
  );
} else {
  const { inventory } = model;
  for (const summary of summaries) {
    const cluster = inventory.clusters.find((c) => clusterStackName(c.name) === summary.stack);
    const vms = inventory.vms.filter((vm) => vm.cluster === cluster?.name);
    const vcpus = vms.reduce((sum, vm) => sum + vm.cores, 0);
    const memory = vms.reduce((sum, vm) => sum + vm.memory, 0);
    const total = [...summary.resources.values()].reduce((a, b) => a + b, 0);
    say(
      cluster
        ? `\n${summary.stack}: ${vms.length} VMs, ${vcpus} vCPUs, ${memory} GiB RAM, ${total} resources`
        : `\n${summary.stack}: ${total} resources`,
    );
    const width = Math.max(...[...summary.resources.keys()].map((t) => t.length));
    for (const [type, count] of summary.resources)
      say(`  ${type.padEnd(width)}  ${String(count).padStart(4)}`);
  }
  const counts = icingaCounts(monitoring);
  say(`\nmonitoring: ${counts.hosts} hosts, ${counts.services} service checks (artifacts/icinga2/)`);
  say(`${inventorySummary(result)}; wrote ${String(options.values.out)}/`);
}
