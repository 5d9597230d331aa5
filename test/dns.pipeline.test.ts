// The pipelines carry the dns stack: its plan, apply and drift steps get the TSIG key from Drone secrets only.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { deployOrder } from '../review/stack-order.ts';
import { exampleInventory } from './helpers/inventories.ts';

interface Step {
  name: string;
  environment?: Record<string, unknown>;
}
interface Pipeline {
  name: string;
  steps: Step[];
}

const pipelines = parseAllDocuments(readFileSync('.drone.yml', 'utf8')).map((d) => d.toJS() as Pipeline);
const step = (pipeline: string, name: string): Step =>
  pipelines.find((p) => p.name === pipeline)!.steps.find((s) => s.name === name)!;

describe('the dns stack in .drone.yml', () => {
  it.each([
    ['drift', 'plan', '_readonly'],
    ['deploy', 'plan', ''],
    ['deploy', 'apply', ''],
  ])('%s/%s reads the TSIG key from secrets', (pipeline, name, suffix) => {
    const env = step(pipeline, name).environment ?? {};
    expect(env.DNS_UPDATE_KEYNAME).toEqual({ from_secret: `dns_update_keyname${suffix}` });
    expect(env.DNS_UPDATE_KEYSECRET).toEqual({ from_secret: `dns_update_keysecret${suffix}` });
    expect(env.DNS_UPDATE_KEYALGORITHM).toEqual({ from_secret: 'dns_update_keyalgorithm' });
  });

  it('deploys and checks for drift the dns stack after the clusters, whose VMs its names point at', () => {
    const order = deployOrder(exampleInventory(), [
      'cluster-beta',
      'dns',
      'cluster-alpha',
      'cluster-gamma',
      'cluster-solo',
    ]);
    expect(order.at(-1)).toBe('dns');
    // Both loops run over the deploy order, so the dns stack is planned (drift) and applied like the others.
    for (const pipeline of ['deploy', 'drift']) {
      const commands = JSON.stringify(step(pipeline, 'plan'));
      expect(commands).toContain('cdktf.out/deploy-order');
    }
  });
});
