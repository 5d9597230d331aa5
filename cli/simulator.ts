// `npm run simulator -- [--world FILE] [SCHEMA.json ...]`: keeps the test provider running for terraform or cdktf by hand.
import { resolve } from 'node:path';
import { startSimulator } from '../providers/simulator/server.ts';
import { pinnedSchemaFiles } from '../providers/simulator/pinned.ts';
import { commonOptions } from './args.ts';

const { values, positionals } = commonOptions(process.argv.slice(2), {
  name: 'simulator',
  summary:
    'Serves the pinned provider schemas to terraform (plugin protocol 6) until stopped, and prints the TF_REATTACH_PROVIDERS line that points terraform or cdktf at it.',
  args: '[SCHEMA.json...]',
  inventory: false,
  options: {
    world: {
      type: 'string',
      default: 'cdktf.out/simulated-world.json',
      arg: 'FILE',
      help: 'where the simulated resources are kept between runs',
    },
  },
  example: 'npm run --silent simulator -- --world /tmp/world.json',
  exits: ['stopped by Ctrl-C or SIGTERM', 'a schema file cannot be read or the server cannot start'],
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
