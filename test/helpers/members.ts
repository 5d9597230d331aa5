// Builds the fixture organisation with members (test/fixtures/inventory/base + test/fixtures/members) in a
// scratch directory (removed after the test file), optionally edited, for tests that pin exact values.
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { scratchDir } from './scratch.ts';

export const FIXTURE_TODAY = '2036-01-15';

type Edit = (text: string) => string;

/** Replaces `from`, which must occur in the text, by `to`. */
export function replace(from: string, to: string): Edit {
  return (text) => {
    if (!text.includes(from)) throw new Error(`fixture edit: "${from}" not found`);
    return text.replace(from, to);
  };
}

export function fixtureOrg(edits: { members?: Edit; roles?: Edit; vms?: Edit; org?: Edit } = {}): string {
  const dir = scratchDir('members-fixture-');
  cpSync('test/fixtures/inventory/base', dir, { recursive: true });
  cpSync('test/fixtures/members', dir, { recursive: true });
  for (const [file, edit] of Object.entries(edits)) {
    if (!edit) continue;
    const path = join(dir, `${file}.yaml`);
    writeFileSync(path, edit(readFileSync(path, 'utf8')));
  }
  return dir;
}
