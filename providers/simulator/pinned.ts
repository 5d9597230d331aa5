// The pinned provider schemas the simulator serves by default: the schema.json of every provider of the registry.
import { join } from 'node:path';
import { PROVIDER_PINS } from '../../constructs/provider-registry.ts';

/** Registry paths are the repository's; `providersDir` stands for its providers/ folder (relative to the cwd by default). */
export function pinnedSchemaFiles(providersDir = 'providers'): string[] {
  return PROVIDER_PINS.map((pin) => join(providersDir, '..', pin.schema)).sort();
}
