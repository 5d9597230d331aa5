// Entry point for the cdktf CLI (`cdktf synth|plan|deploy`): builds every stack from the inventory.

import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { inventorySummary, printFindings } from './cli/report.ts';
import { loadInventory } from './model/load.ts';
import { artifacts, buildApp } from './stacks/app.ts';

const result = loadInventory(process.env.INFRA_INVENTORY ?? 'inventory');
if (!result.inventory) {
  printFindings(result, (line) => process.stderr.write(`${line}\n`));
  process.stderr.write(`${inventorySummary(result)}; nothing written\n`);
  process.exit(1);
}
// The cdktf CLI tells the app where to write through CDKTF_OUTDIR.
const outdir = process.env.CDKTF_OUTDIR ?? 'cdktf.out';
const app = buildApp(result.inventory, outdir);
app.synth();
for (const [path, text] of artifacts(result.inventory)) {
  const file = join(outdir, 'artifacts', path);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, text);
}
