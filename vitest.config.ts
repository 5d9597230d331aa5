// Test runner configuration: one process pool, generous timeouts for the tests that run real tools.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    setupFiles: ['test/setup-cdktf.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
