// The model's derivations and per-VM facts are computed in model/ only: no renderer, rule or command outside
// it imports the functions that derive them (it reads `model.services`, `model.dns`, `factsOf(model, vm)`).
// An import scan over every product folder, so a renderer that computes a VM's firewall again fails here
// before it can disagree with the model; test/model.derive-once.test.ts counts the calls of one real synth.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LAYERS } from './helpers/layers.ts';

/** What only model/ may call: the derivations deriveModel runs and the per-VM facts it computes. */
const MODEL_ONLY = new Set([
  'deriveModel',
  'deriveServices',
  'rebootSchedule',
  'buildDnsModel',
  'vmFacts',
  'vmFirewallRules',
  'backupPlan',
]);

/**
 * Files outside model/ allowed one of them, and why: a synth child process gets the inventory as JSON (a model
 * holds references a JSON copy cannot keep) and derives its own model once.
 */
const ALLOWED: Readonly<Record<string, readonly string[]>> = {
  'stacks/synth-child.ts': ['deriveModel'],
};

function tsFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? tsFiles(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );
}

/** `file: name` for each value import (not `import type`, not `type X`) of a model-only function. */
function modelOnlyImports(file: string, text: string): string[] {
  const found: string[] = [];
  for (const m of text.matchAll(/^import\s+(type\s+)?\{([^}]*)\}\s*from\s*'[^']+'/gm)) {
    if (m[1]) continue;
    for (const spec of m[2]!.split(',')) {
      const name = spec.trim().split(/\s+as\s+/)[0]!;
      if (MODEL_ONLY.has(name) && !(ALLOWED[file] ?? []).includes(name)) found.push(`${file}: ${name}`);
    }
  }
  return found;
}

describe('derivations and per-VM facts live in model/', () => {
  it('finds a renderer that imports a fact function, and leaves type imports alone (the scan itself works)', () => {
    const renderer = "import { vmFirewallRules } from '../model/firewall.ts';\n";
    expect(modelOnlyImports('baseline/x.ts', renderer)).toEqual(['baseline/x.ts: vmFirewallRules']);
    const several = "import {\n  deriveServices,\n  vmsRunning,\n} from '../services/instances.ts';\n";
    expect(modelOnlyImports('stacks/y.ts', several)).toEqual(['stacks/y.ts: deriveServices']);
    const types =
      "import type { BackupPlan } from '../model/backup-plan.ts';\nimport { type VmFacts } from 'z';\n";
    expect(modelOnlyImports('monitoring/z.ts', types)).toEqual([]);
  });

  it('has no such import outside model/ in any product folder', () => {
    const folders = LAYERS.filter((f) => f !== 'model' && f !== 'test');
    const found = folders
      .flatMap(tsFiles)
      .flatMap((file) => modelOnlyImports(file, readFileSync(file, 'utf8')));
    expect(found).toEqual([]);
  });
});
