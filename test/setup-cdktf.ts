// Worker setup for every test file: cdktf's resource matchers (written for Jest) wired into vitest's expect,
// and cdktf's Testing apps given outdirs that are removed after the file (cdktf makes one in the temporary
// folder per Testing.app() and never removes it: 1,451 were left on this machine).
import { Testing } from 'cdktf';
import { getToHaveResourceWithProperties, returnMatcherToJest } from 'cdktf/lib/testing/matchers';
import { afterAll, expect } from 'vitest';
import { removeScratchDirs, scratchDir } from './helpers/scratch.ts';

interface TerraformConstructor {
  readonly tfResourceType: string;
}

const toHaveResourceWithProperties = getToHaveResourceWithProperties();

expect.extend({
  toHaveResourceWithProperties(
    received: string,
    type: TerraformConstructor,
    properties: Record<string, unknown> = {},
  ) {
    return returnMatcherToJest(toHaveResourceWithProperties(received, type, properties));
  },
});

declare module 'vitest' {
  interface Assertion {
    toHaveResourceWithProperties(type: TerraformConstructor, properties?: Record<string, unknown>): void;
  }
}

// Testing.synthScope calls Testing.app() too, so replacing the static method covers both.
const testingApp = Testing.app.bind(Testing);
Testing.app = (options = {}) => testingApp({ outdir: scratchDir('cdktf-testing-'), ...options });
afterAll(removeScratchDirs);
