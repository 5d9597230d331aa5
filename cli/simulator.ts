// `npm run simulator -- [--world FILE] [SCHEMA.json ...]`: keeps the test provider running for terraform or cdktf by hand.
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { startSimulator } from '../providers/simulator/server.ts';
import { pinnedSchemaFiles } from '../providers/simulator/pinned.ts';

const { values, positionals } = parseArgs({
  args: process.argv.slice(2),
  options: { world: { type: 'string', default: 'cdktf.out/simulated-world.json' } },
  allowPositionals: true,
});
const simulator = await startSimulator({
  schemaFiles: positionals.length > 0 ? positionals : pinnedSchemaFiles(),
  worldFile: resolve(String(values.world)),
});
// The one line a shell can take: eval "$(npm run --silent simulator)" would block, so it is printed to copy.
process.stdout.write(`export TF_REATTACH_PROVIDERS='${simulator.reattach}'\n`);
process.stderr.write(
  `simulator: serving ${simulator.providers.join(', ')}; world ${String(values.world)}; Ctrl-C stops it\n`,
);
const stop = (): void => {
  void simulator.close().then(() => process.exit(0));
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
