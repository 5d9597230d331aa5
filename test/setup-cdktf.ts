// Wires cdktf's resource matchers (written for Jest) into vitest's expect.
import { getToHaveResourceWithProperties, returnMatcherToJest } from 'cdktf/lib/testing/matchers';
import { expect } from 'vitest';

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
