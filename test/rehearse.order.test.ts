// The order the rehearsal starts stacks in: the largest first when they run side by side, deploy order when not.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { resourceCount, startOrder } from '../providers/simulator/rehearse.ts';

const dir = mkdtempSync(join(tmpdir(), 'rehearse-order-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A synthesized stack with `n` resources, split over two resource types. */
function stack(name: string, n: number): void {
  const names = (count: number) => Object.fromEntries(Array.from({ length: count }, (_, i) => [`r${i}`, {}]));
  mkdirSync(join(dir, 'stacks', name), { recursive: true });
  writeFileSync(
    join(dir, 'stacks', name, 'cdk.tf.json'),
    JSON.stringify({ resource: { a_thing: names(Math.ceil(n / 2)), b_thing: names(Math.floor(n / 2)) } }),
  );
}

stack('cluster-alpha', 9);
stack('cluster-solo', 3);
stack('dns', 20);
stack('empty', 0);
const deployOrder = ['cluster-alpha', 'cluster-solo', 'dns', 'empty'];

describe('rehearsal start order', () => {
  it('counts the resources of every type in a stack', () => {
    expect(resourceCount(join(dir, 'stacks/dns/cdk.tf.json'))).toBe(20);
    expect(resourceCount(join(dir, 'stacks/cluster-solo/cdk.tf.json'))).toBe(3);
    expect(resourceCount(join(dir, 'stacks/empty/cdk.tf.json'))).toBe(0);
  });

  it('starts the largest stack first when stacks run side by side, so it never runs alone at the end', () => {
    expect(startOrder(deployOrder, dir, 2)).toEqual(['dns', 'cluster-alpha', 'cluster-solo', 'empty']);
  });

  it('keeps the deploy order when stacks run one at a time', () => {
    expect(startOrder(deployOrder, dir, 1)).toEqual(deployOrder);
  });
});
