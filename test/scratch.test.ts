// Temporary folders of helpers (test/helpers/scratch.ts) and of cdktf's Testing apps are listed for removal
// after the test file, so a run leaves nothing behind in the temporary folder.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Testing } from 'cdktf';
import { describe, expect, it } from 'vitest';
import { fixtureOrg } from './helpers/members.ts';
import { CONNECTIONS } from '../cli/mitogen.ts';
import { pluginFolder } from './helpers/playbook.ts';
import { removeScratchDirs, scratchDirs } from './helpers/scratch.ts';

describe('scratch folders', () => {
  it("puts a Testing app's outdir and a fixture copy among the folders removed after the file", () => {
    const app = Testing.app();
    const fixture = fixtureOrg();
    expect(scratchDirs()).toContain(app.outdir);
    expect(scratchDirs()).toContain(fixture);
    removeScratchDirs();
    expect(existsSync(app.outdir)).toBe(false);
    expect(existsSync(fixture)).toBe(false);
    expect(scratchDirs()).toEqual([]);
  });

  it("removes the Mitogen connections folder of a test's ansible-playbook after the file, and makes it again for the next", () => {
    const plugins = pluginFolder();
    expect(existsSync(join(plugins, `${CONNECTIONS.chroot}.py`))).toBe(true);
    expect(scratchDirs()).toContain(plugins);
    removeScratchDirs();
    expect(existsSync(plugins)).toBe(false);
    const again = pluginFolder();
    expect(again).not.toBe(plugins);
    expect(existsSync(again)).toBe(true);
    removeScratchDirs();
  });

  it('keeps an outdir the test chose itself', () => {
    const app = Testing.app({ outdir: 'chosen' });
    expect(app.outdir).toBe('chosen');
    expect(scratchDirs()).not.toContain('chosen');
  });
});
