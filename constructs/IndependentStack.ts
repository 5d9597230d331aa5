// The TerraformStack every stack of this repository extends: one that references no other stack.
import { TerraformStack } from 'cdktf';

/**
 * Each stack is synthesized in an App of its own (stacks/app.ts) and derives what it needs from the inventory
 * (DESIGN.md: stacks are independent), so it has no cross-stack reference to find. cdktf's prepareStack looks
 * for them by resolving every element once more before the synth resolves them again, which cost a third of
 * the stacks' synth time; this stack only makes sure its backend exists, as cdktf's does first.
 */
export class IndependentStack extends TerraformStack {
  override prepareStack(): void {
    this.ensureBackendExists();
  }
}
