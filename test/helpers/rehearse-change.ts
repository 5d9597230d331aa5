// Rehearses one stack, then the same stack after a change, in one state: the real terraform against the simulator.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { rehearseStack, type StackRehearsal } from '../../providers/simulator/rehearse.ts';
import { findTerraform } from '../../providers/simulator/terraform.ts';
import { PINNED } from './terraform.ts';

export async function rehearseChange(
  stack: string,
  before: object,
  after: object,
): Promise<{ first: StackRehearsal; second: StackRehearsal }> {
  const work = mkdtempSync(join(tmpdir(), `rehearse-${stack}-`));
  // The output one level down: the local state lands beside it (terraform.state/), inside this run's folder.
  const dir = join(work, 'out');
  const options = {
    synthDir: dir,
    stacks: [stack],
    terraform: findTerraform() ?? 'terraform',
    schemaFiles: PINNED,
    worldFile: join(dir, 'world.json'),
    inventory: 'inventory',
  };
  const write = (json: object): void => {
    mkdirSync(join(dir, 'stacks', stack), { recursive: true });
    writeFileSync(join(dir, 'stacks', stack, 'cdk.tf.json'), JSON.stringify(json));
  };
  try {
    write(before);
    const first = await rehearseStack(stack, options);
    write(after);
    const second = await rehearseStack(stack, options);
    return { first, second };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
