// Reads a synth output directory (`stacks/<stack>/cdk.tf.json` and `artifacts/**`) into plain data for the diff.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { type StackJson, stackJsonSchema } from '../stacks/stack-json.ts';

export interface Artifact {
  /** UTF-8 text, or undefined for a binary file (compared by content only). */
  readonly text?: string;
  readonly bytes: Buffer;
}

export interface SynthOutput {
  readonly stacks: ReadonlyMap<string, StackJson>;
  /** Keyed by path below `artifacts/`, with `/` separators. */
  readonly artifacts: ReadonlyMap<string, Artifact>;
}

export const EMPTY_OUTPUT: SynthOutput = { stacks: new Map(), artifacts: new Map() };

/** Reads an output directory; a missing directory or a missing part reads as empty. */
export function readSynthOutput(dir: string): SynthOutput {
  const stacks = new Map<string, StackJson>();
  const stacksDir = join(dir, 'stacks');
  if (existsSync(stacksDir)) {
    for (const name of readdirSync(stacksDir).sort()) {
      const file = join(stacksDir, name, 'cdk.tf.json');
      if (!existsSync(file)) continue;
      let raw: unknown;
      try {
        raw = JSON.parse(readFileSync(file, 'utf8'));
      } catch (err) {
        throw new Error(`${file}: not valid JSON (${(err as Error).message}); expected cdktf synth output`);
      }
      const parsed = stackJsonSchema.safeParse(raw);
      if (!parsed.success) {
        const first = parsed.error.issues[0];
        throw new Error(
          `${file}: ${first?.path.join('.') || '(top)'} ${first?.message}; expected a cdktf stack JSON`,
        );
      }
      stacks.set(name, parsed.data);
    }
  }
  const artifacts = new Map<string, Artifact>();
  const artifactsDir = join(dir, 'artifacts');
  if (existsSync(artifactsDir)) {
    for (const file of walk(artifactsDir)) {
      const bytes = readFileSync(file);
      const key = relative(artifactsDir, file).split(sep).join('/');
      artifacts.set(key, bytes.includes(0) ? { bytes } : { bytes, text: bytes.toString('utf8') });
    }
  }
  return { stacks, artifacts };
}

function walk(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...walk(path));
    else out.push(path);
  }
  return out;
}
