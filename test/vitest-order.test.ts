// The files vitest.config.ts starts first must exist: a renamed or deleted file would silently fall back to
// vitest's own order, and the longest file could again start last on a fresh clone; every real-root file is
// listed, since those are most of the suite's time.
import { existsSync, readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { LONGEST_FIRST } from '../vitest.config.ts';

describe('the longest-first order of vitest.config.ts', () => {
  it('names only existing test files, each once, the real-root files among them', () => {
    expect(LONGEST_FIRST.filter((path) => !existsSync(path))).toEqual([]);
    expect(new Set(LONGEST_FIRST).size).toBe(LONGEST_FIRST.length);
    const rootFiles = readdirSync('test')
      .filter((f) => /\.(roots|chroot)\.test\.ts$/.test(f))
      .map((f) => `test/${f}`);
    expect(rootFiles.filter((path) => !LONGEST_FIRST.includes(path))).toEqual([]);
  });
});
