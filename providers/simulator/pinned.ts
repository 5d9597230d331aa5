// The pinned provider schemas the simulator serves by default: every providers/<name>/schema.json.
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

export function pinnedSchemaFiles(providersDir = 'providers'): string[] {
  return readdirSync(providersDir, { withFileTypes: true })
    .filter((e) => e.isDirectory() && existsSync(join(providersDir, e.name, 'schema.json')))
    .map((e) => join(providersDir, e.name, 'schema.json'))
    .sort();
}
