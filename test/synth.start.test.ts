// `npm run synth` starts the stacks' child (cdktf's loading, the longest path of a synth) before it loads its
// own modules: cli/synth.ts imports only the option parser and the child's starter up front, starts the
// child, and only then imports the rest. A static import added there would delay the child again.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const source = readFileSync('cli/synth.ts', 'utf8');

describe('the start of npm run synth', () => {
  it('imports only the option parser and the stack child statically', () => {
    const statics = [...source.matchAll(/^import\s[^;]*?from\s+'([^']+)'/gm)].map((m) => m[1]);
    expect(statics.sort()).toEqual(['../stacks/stack-child.ts', './args.ts']);
  });

  it('starts the child after parsing the options and before importing anything else', () => {
    const parsed = source.indexOf('commonOptions(');
    const started = source.indexOf('startStackChild(');
    const imported = source.indexOf('import(');
    expect(parsed).toBeGreaterThan(-1);
    expect(started).toBeGreaterThan(parsed);
    expect(imported).toBeGreaterThan(started);
  });
});
