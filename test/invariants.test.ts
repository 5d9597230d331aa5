// The invariant suite on the shipped example, on a copy of it with one more VM (so a new VM never breaks
// the tests), and on the fixture organisation.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadInventory } from '../model/load.ts';
import { copyWithAddedVm, EXAMPLE, exampleInventory, FIXTURE } from './helpers/inventories.ts';
import { describeInvariants } from './helpers/invariants.ts';

const work = mkdtempSync(join(tmpdir(), 'grown-example-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));
const grown = join(work, 'inventory');
const added = copyWithAddedVm(EXAMPLE, grown);

describe('a copy of the example with one more VM', () => {
  it('has exactly one VM more than the example, the added one', () => {
    const copy = loadInventory(grown).inventory!;
    expect(copy.vms.map((vm) => vm.name)).toEqual([...exampleInventory().vms.map((vm) => vm.name), added]);
  });
});

describeInvariants('the shipped example', () => EXAMPLE);
describeInvariants(`the example with one more VM (${added})`, () => grown);
describeInvariants('the fixture organisation', () => FIXTURE);
