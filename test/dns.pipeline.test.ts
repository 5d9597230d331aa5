// The pipelines carry the dns stack: its plan, apply and drift steps get the TSIG key from Drone secrets only.
import { readdirSync, readFileSync } from 'node:fs';
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

describe('the TSIG key name where people read it', () => {
  // The pinned hashicorp/dns refuses a key name without its final dot (config.go:82): every place that tells
  // an operator what to put in DNS_UPDATE_KEYNAME says the fully qualified name.
  it('is fully qualified in the README, the docs and the pipeline comments', () => {
    const files = ['README.md', '.drone.yml', ...markdownUnder('docs')];
    const unqualified = files.flatMap((file) =>
      readFileSync(file, 'utf8')
        .split('\n')
        .map((line, i) => ({ line, at: `${file}:${i + 1}` }))
        .filter(
          ({ line }) => /DNS_UPDATE_KEYNAME[=:]\s*[A-Za-z0-9-]/.test(line) || /\(infra-[a-z]+\)/.test(line),
        )
        .filter(
          ({ line }) =>
            !/DNS_UPDATE_KEYNAME[=:]\s*[A-Za-z0-9.-]*\.(\s|`|$)/.test(line) &&
            !/\(infra-[a-z]+\.\)/.test(line),
        )
        .map(({ at, line }) => `${at}: ${line.trim()}`),
    );
    expect(unqualified).toEqual([]);
    expect(readFileSync('docs/dns.md', 'utf8')).toContain('DNS_UPDATE_KEYNAME=infra-deploy.');
    expect(readFileSync('.drone.yml', 'utf8')).toContain('fully qualified (infra-deploy.)');
  });
});

/** Every Markdown file below a folder, runbooks included. */
function markdownUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.md'))
    .map((f) => `${dir}/${f}`);
}
