// Temporary folders of helpers (test/helpers/scratch.ts) and of cdktf's Testing apps are listed for removal
// after the test file, so a run leaves nothing behind in the temporary folder.
import { existsSync } from 'node:fs';
import { Testing } from 'cdktf';
import { describe, expect, it } from 'vitest';
import { fixtureOrg } from './helpers/members.ts';
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

  it('keeps an outdir the test chose itself', () => {
    const app = Testing.app({ outdir: 'chosen' });
    expect(app.outdir).toBe('chosen');
    expect(scratchDirs()).not.toContain('chosen');
  });
});
