// The fixture organisation with the fixture members and roles (test/fixtures/members) added, copied into a
// test's own directory: the Icinga Web 2 tests need members whose roles give them a login on the master.
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { FIXTURE } from './inventories.ts';

/** Copies the fixture organisation and its members to `dir` (the developers' grant names only VMs it has). */
export function icingawebFixture(dir: string): void {
  cpSync(FIXTURE, dir, { recursive: true });
  cpSync('test/fixtures/members', dir, { recursive: true });
  const roles = join(dir, 'roles.yaml');
  const text = readFileSync(roles, 'utf8');
  if (!text.includes('vms: [git, runner]')) throw new Error('fixture edit: the developers grant changed');
  writeFileSync(roles, text.replace('vms: [git, runner]', 'vms: [git]'));
}
