// `npm run synth`: validates the inventory, synthesizes every stack into cdktf.out, prints a summary per stack.
import { loadInventory } from '../model/load.ts';
import { icingaCounts } from '../monitoring/icinga2.ts';
import { BackendConfigError } from '../stacks/backend.ts';
import { clusterStackName } from '../stacks/naming.ts';
import { synthesize } from '../stacks/synth.ts';
import { commonOptions } from './args.ts';
import { inventorySummary, printFindings } from './report.ts';

const options = commonOptions(process.argv.slice(2), {
  out: { type: 'string', default: 'cdktf.out' },
  quiet: { type: 'boolean', default: false },
  timing: { type: 'boolean', default: false },
});
const started = performance.now();
const say = (line: string): void => {
  if (!options.values.quiet) process.stdout.write(`${line}\n`);
};

const result = loadInventory(options.inventory);
if (!result.inventory) {
  printFindings(result, (line) => process.stderr.write(`${line}\n`));
  process.stderr.write(`${inventorySummary(result)}; nothing written\n`);
  process.exit(1);
}
const inventory = result.inventory;
for (const w of result.warnings) say(`${w.file}:${w.line}:${w.col}  ${w.path}  warning: ${w.message}`);

let summaries: Awaited<ReturnType<typeof synthesize>>;
try {
  summaries = await synthesize(inventory, String(options.values.out));
} catch (err) {
  if (err instanceof BackendConfigError) {
    process.stderr.write(`${err.message}; nothing written\n`);
    process.exit(1);
  }
  throw err;
}

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
  for (const summary of summaries) {
    const cluster = inventory.clusters.find((c) => clusterStackName(c.name) === summary.stack);
    const vms = inventory.vms.filter((vm) => vm.cluster === cluster?.name);
    const vcpus = vms.reduce((sum, vm) => sum + vm.cores, 0);
    const memory = vms.reduce((sum, vm) => sum + vm.memory, 0);
    const total = [...summary.resources.values()].reduce((a, b) => a + b, 0);
    say(`\n${summary.stack}: ${vms.length} VMs, ${vcpus} vCPUs, ${memory} GiB RAM, ${total} resources`);
    const width = Math.max(...[...summary.resources.keys()].map((t) => t.length));
    for (const [type, count] of summary.resources)
      say(`  ${type.padEnd(width)}  ${String(count).padStart(4)}`);
  }
  const monitoring = icingaCounts(inventory);
  say(`\nmonitoring: ${monitoring.hosts} hosts, ${monitoring.services} service checks (artifacts/icinga2/)`);
  say(`${inventorySummary(result)}; wrote ${String(options.values.out)}/`);
}
