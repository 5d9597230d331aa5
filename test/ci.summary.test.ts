// The last line of .ci/run, "N passed, N failed", from vitest's JSON report: a file that failed outside its
// tests (an error in beforeAll or afterAll, as the EBUSY of a cleanup once did) counts as a failure, so the
// line never says "0 failed" while the run exits 1. The script's own node snippet is run on made-up reports.
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { scratchDir } from './helpers/scratch.ts';

const script = readFileSync('.ci/run', 'utf8');
const snippet = /node -e '([\s\S]*?)' "\$report"/.exec(script)?.[1];

interface FileResult {
  status: 'passed' | 'failed';
  tests: ('passed' | 'failed')[];
}

/** The summary line the snippet prints for a report of these files. */
function summary(files: FileResult[], pending = 0): string {
  const report = join(scratchDir('ci-summary-'), 'vitest.json');
  const all = files.flatMap((f) => f.tests);
  writeFileSync(
    report,
    JSON.stringify({
      numPassedTests: all.filter((t) => t === 'passed').length,
      numFailedTests: all.filter((t) => t === 'failed').length,
      numPendingTests: pending,
      numTodoTests: 0,
      testResults: files.map((f) => ({
        status: f.status,
        assertionResults: f.tests.map((status) => ({ status })),
      })),
    }),
  );
  const run = spawnSync(process.execPath, ['-e', snippet!, report], { encoding: 'utf8' });
  expect(run.status, run.stderr).toBe(0);
  return run.stdout.trim();
}

describe('the summary line of .ci/run', () => {
  it('is found in the script', () => {
    expect(snippet).toBeDefined();
  });

  it('counts a file that failed outside its tests as one failure', () => {
    expect(
      summary([
        { status: 'failed', tests: ['passed', 'passed'] },
        { status: 'passed', tests: ['passed'] },
      ]),
    ).toBe('3 passed, 1 failed');
  });

  it('counts a failed test once, not again for its file, and says what was skipped', () => {
    expect(summary([{ status: 'failed', tests: ['passed', 'failed'] }], 2)).toBe(
      '1 passed, 1 failed, 2 skipped',
    );
    expect(summary([{ status: 'passed', tests: ['passed'] }])).toBe('1 passed, 0 failed');
  });
});
