// The files vitest.config.ts starts first must exist: a renamed or deleted file would silently fall back to
// vitest's own order, and the longest file could again start last on a fresh clone; every real-root file is
// listed, since those are most of the suite's time. A file that mocks a module must run isolated: in the
// shared project it would see another file's unmocked copy and leave its mock to the next file.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { LONGEST_FIRST, MOCKING } from '../vitest.config.ts';

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

describe('the isolated project of vitest.config.ts', () => {
  it('holds exactly the test files that mock a module', () => {
    const mocking = readdirSync('test')
      .filter((f) => f.endsWith('.test.ts'))
      .map((f) => `test/${f}`)
      .filter((path) => /\bvi\.(do)?[mM]ock\(/.test(readFileSync(path, 'utf8')))
      // This file names the calls it looks for.
      .filter((path) => path !== 'test/vitest-order.test.ts');
    expect(mocking.length).toBeGreaterThan(0);
    expect([...MOCKING].sort()).toEqual(mocking.sort());
  });
});
