// cdktf takes a full stack trace for every token it creates; the App every command synthesizes with
// (constructs/InfraApp.ts) turns that off, since only an error message about the token would print it.
import { Lazy, TerraformOutput, TerraformStack, Testing, Token, Tokenization } from 'cdktf';
import { describe, expect, it } from 'vitest';
import { InfraApp } from '../constructs/InfraApp.ts';

describe("cdktf's per-token stack traces", () => {
  it('are not taken once InfraApp is loaded, and the token still resolves', () => {
    const token = Lazy.stringValue({ produce: () => 'resolved' });
    const lazy = Tokenization.reverseString(token).firstToken as unknown as { creationStack: string[] };
    expect(lazy.creationStack).toEqual([]);
    const stack = new TerraformStack(new InfraApp({ outdir: Testing.app().outdir }), 'traces');
    new TerraformOutput(stack, 'out', { value: token });
    expect(Token.isUnresolved(token)).toBe(true);
    expect(JSON.parse(Testing.synth(stack)) as unknown).toMatchObject({
      output: { out: { value: 'resolved' } },
    });
  });
});
