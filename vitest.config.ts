// Test runner configuration: two workers, the longest files first, generous
// timeouts for the tests that run real tools.
import { defineConfig } from 'vitest/config';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

/**
 * Files that run for tens of seconds, longest first. Started early, they run beside the many short files
 * instead of after them; on a fresh clone vitest has no timings of its own to order by. A file not
 * listed keeps vitest's order (by its last timings, else by size). A test (vitest-order.test.ts) keeps every
 * name here an existing file.
 */
export const LONGEST_FIRST = [
  // Their seconds in a whole-suite run with the roots cached (Ansible under Mitogen, modules shared within a
  // worker): the real-root files are most of the suite's time, and the longest of them, started last, would
  // run alone at the end.
  'test/services.rtc.roots.test.ts', // 346
  'test/services.roots.test.ts', // 234
  'test/backup.roots.test.ts', // 158
  'test/ansible.chroot.test.ts', // 144
  'test/mailman.roots.test.ts', // 78
  'test/mail.roots.test.ts', // 69
  'test/secrets.converge.chroot.test.ts', // 69
  'test/icingaweb.roots.test.ts', // 69
  'test/services.chat-dns.roots.test.ts', // 65
  'test/apps.roots.test.ts', // 50
  'test/releases.roots.test.ts', // 40
  'test/review.main-tooling.test.ts', // 38
  'test/rehearse.cli.test.ts', // 32
  'test/baseline.ansible.test.ts', // 32
  'test/review.attacks.test.ts', // 27
  'test/docs.test.ts', // 27
  'test/upstream-apt.roots.test.ts', // 22
  'test/rehearse.pg.test.ts', // 21
  'test/members.commands.test.ts', // 21
  'test/secrets.store.test.ts', // 21
  'test/synth.test.ts', // 20
  'test/forge.roots.test.ts', // 19
  'test/certificates.acme.test.ts', // 17
  'test/pipeline.drone.test.ts', // 16
  'test/synth.paths.test.ts', // 11
  'test/postgresql.replica.chroot.test.ts', // 9
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

/** The files that mock a module: only they need a fresh copy of every module (vitest's isolation). */
export const MOCKING = ['test/model.derive-once.test.ts'];

export default defineConfig({
  test: {
    setupFiles: ['test/setup-cdktf.ts'],
    globalSetup: ['test/build-dist.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Vitest's default is one worker per core less one: a single worker on a 2-core machine, which leaves
    // a core idle while a test waits on terraform, ansible or PostgreSQL. Most of the long files wait on
    // such child processes, so two workers keep both cores busy.
    maxWorkers: 2,
    sequence: { sequencer: LongestFirst },
    projects: [
      {
        extends: true,
        test: {
          name: 'shared',
          include: ['test/**/*.test.ts'],
          exclude: MOCKING,
          // The files of a worker share its loaded modules (cdktf, the constructs, the renderers): each
          // file would otherwise load and transform them again.
          isolate: false,
        },
      },
      // A file that mocks a module would see another file's unmocked copy, and leave its mock to the next.
      { extends: true, test: { name: 'isolated', include: MOCKING } },
    ],
  },
});
