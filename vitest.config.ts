// Test runner configuration: two workers, the longest files first, generous
// timeouts for the tests that run real tools.
import { defineConfig } from 'vitest/config';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

/**
 * Files that run for tens of seconds, longest first. Started early, they run beside the many short files
 * instead of after them; on a fresh clone vitest has no timings of its own to order by. A file not
 * listed keeps vitest's order (by its last timings, else by size).
 */
const LONGEST_FIRST = [
  'test/ansible.chroot.test.ts',
  'test/baseline.ansible.test.ts',
  'test/pipeline.drone.test.ts',
  'test/rehearse.pg.test.ts',
  'test/synth.test.ts',
  'test/rehearse.cli.test.ts',
  'test/synth.paths.test.ts',
  'test/members.commands.test.ts',
];

class LongestFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    const rank = (spec: TestSpecification): number => {
      const i = LONGEST_FIRST.findIndex((path) => spec.moduleId.endsWith(`/${path}`));
      return i === -1 ? LONGEST_FIRST.length : i;
    };
    // Array.prototype.sort is stable: files of equal rank keep the order vitest chose.
    return sorted.sort((a, b) => rank(a) - rank(b));
  }
}

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    setupFiles: ['test/setup-cdktf.ts'],
    globalSetup: ['test/build-dist.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Vitest's default is one worker per core less one: a single worker on a 2-core machine, which leaves
    // a core idle while a test waits on terraform, ansible or PostgreSQL. Most of the long files wait on
    // such child processes, so two workers keep both cores busy.
    maxWorkers: 2,
    // isolate: false (files sharing a worker's loaded modules) cut the suite's CPU by ~15%, but a file that
    // mocks a module (test/model.derive-once.test.ts) then sees another file's copy: every file stays
    // isolated.
    sequence: { sequencer: LongestFirst },
  },
});
