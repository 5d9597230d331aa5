// No inventory text becomes Terraform code: every literal in every synthesized stack is escaped by the one
// function in constructs/terraform-literal.ts, references stay references, and two resources never share a name.
import { deriveModel } from '../model/derive.ts';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TerraformStack } from 'cdktf';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { ProxmoxProvider } from '../.gen/providers/proxmox/provider/index.ts';
import { VirtualEnvironmentPool } from '../.gen/providers/proxmox/virtual-environment-pool/index.ts';
import { nftString } from '../baseline/firewall.ts';
import { InfraApp } from '../constructs/InfraApp.ts';
import { escapeLiteralString, escapeTemplate } from '../constructs/terraform-literal.ts';
import { comment, notes, title } from '../inventory/grammars.ts';
import type { Inventory } from '../inventory/inventory.ts';
import { STACK_OWN_NAMES } from '../inventory/rules/vm-name-taken-by-stack.ts';
import { textProblem } from '../inventory/text-rules.ts';
import { icingaString } from '../monitoring/icinga2.ts';
import { synthClusterApp } from '../stacks/app.ts';
import { synthesize } from '../stacks/synth.ts';
import { type Edit, findingsOf, removeVariants, variantDir } from './helpers/variant.ts';

const work = mkdtempSync(join(tmpdir(), 'terraform-literal-'));
afterAll(() => {
  rmSync(work, { recursive: true, force: true });
  removeVariants();
});

/**
 * Reads a JSON string the way Terraform's template scanner does: `$${` and `%%{` are escapes for `${` and
 * `%{`; an unescaped `${...}` or `%{...}` is an interpolation or directive, returned separately.
 */
function readTemplate(text: string): { literal: string; interpolations: string[] } {
  let literal = '';
  const interpolations: string[] = [];
  let i = 0;
  while (i < text.length) {
    if (text.startsWith('$${', i) || text.startsWith('%%{', i)) {
      literal += `${text[i]}{`;
      i += 3;
    } else if (text.startsWith('${', i) || text.startsWith('%{', i)) {
      let depth = 0;
      let j = i + 1;
      for (; j < text.length; j++) {
        if (text[j] === '{') depth++;
        else if (text[j] === '}' && --depth === 0) break;
      }
      interpolations.push(text.slice(i, j + 1));
      i = j + 1;
    } else literal += text[i++];
  }
  return { literal, interpolations };
}

/** A reference cdktf writes on purpose (`${proxmox_x.name.id}`), or a quoted `$` run before one. */
const REFERENCE = /^\$\{([a-z][a-z0-9_]*\.[A-Za-z0-9_-]+(\.[A-Za-z0-9_]+)*|"\$+")\}$/;

/** Every string (values and keys) of a JSON document, "//" metadata left out. */
function strings(value: unknown, out: string[] = []): string[] {
  if (typeof value === 'string') out.push(value);
  else if (Array.isArray(value)) for (const v of value) strings(v, out);
  else if (value !== null && typeof value === 'object')
    for (const [k, v] of Object.entries(value)) {
      if (k === '//') continue;
      out.push(k);
      strings(v, out);
    }
  return out;
}

/** Characters that matter to Terraform, shells, nftables and Icinga2, and plain ones. */
const nasty = fc.string({
  unit: fc.constantFrom(
    ...'${}%"\'\\\n\t\u001b\u0000;#`()[]&| aZ9.-/:'.split(''),
    '${',
    '%{',
    '$${',
    '%%{',
    '${file("/proc/self/environ")}',
    '%{ if true }x%{ endif }',
    'ü',
    '😀',
  ),
  maxLength: 40,
});

describe('escapeTemplate', () => {
  it('is read back by the template scanner as exactly the original text, with no interpolation', () => {
    fc.assert(
      fc.property(nasty, (text) => {
        expect(readTemplate(escapeTemplate(text))).toEqual({ literal: text, interpolations: [] });
      }),
      { numRuns: 500 },
    );
  });
});

describe('InfraApp', () => {
  it('escapes literals around a reference and keeps the reference, even after a "$"', () => {
    const app = new InfraApp({ outdir: join(work, 'reference') });
    const stack = new TerraformStack(app, 's');
    new ProxmoxProvider(stack, 'proxmox', {});
    const a = new VirtualEnvironmentPool(stack, 'a', {
      poolId: 'a',
      comment: '${file("/etc/passwd")} %{ if x }',
    });
    new VirtualEnvironmentPool(stack, 'b', { poolId: 'b', comment: `costs 5$${a.comment} and \${x}` });
    app.synth();
    const json = JSON.parse(readFileSync(join(work, 'reference', 'stacks', 's', 'cdk.tf.json'), 'utf8'));
    const pools = json.resource.proxmox_virtual_environment_pool;
    expect(readTemplate(pools.a.comment)).toEqual({
      literal: '${file("/etc/passwd")} %{ if x }',
      interpolations: [],
    });
    expect(readTemplate(pools.b.comment)).toEqual({
      literal: 'costs 5 and ${x}',
      interpolations: ['${"$"}', '${proxmox_virtual_environment_pool.a.comment}'],
    });
    // A string without tokens that holds no introducer is left exactly as it was.
    expect(escapeLiteralString('plain text')).toBe('plain text');
  });

  it('covers a stack and a resource added later, which do nothing to be covered', () => {
    class LaterStack extends TerraformStack {
      constructor(scope: InfraApp) {
        super(scope, 'later');
        new ProxmoxProvider(this, 'proxmox', {});
        new VirtualEnvironmentPool(this, 'pool', { poolId: 'later', comment: 'ask ${var.token}' });
      }
    }
    const app = new InfraApp({ outdir: join(work, 'later') });
    new LaterStack(app);
    app.synth();
    const text = readFileSync(join(work, 'later', 'stacks', 'later', 'cdk.tf.json'), 'utf8');
    expect(text).toContain('"comment": "ask $${var.token}"');
  });

  it('fails loudly when two resources would share one type and name (a VM named "cluster")', () => {
    const inventory = findingsOf(variantDir()).result.inventory!;
    const vms = inventory.vms.map((vm) => (vm.name === 'proxy1' ? { ...vm, name: 'cluster' } : vm));
    const broken: Inventory = { ...inventory, vms };
    const cluster = broken.clusters.find((c) => c.name === 'ceph')!;
    expect(() =>
      synthClusterApp({ model: deriveModel(broken), cluster, env: {} }, join(work, 'dup')),
    ).toThrow(
      'stack cluster-ceph: two resources would share one Terraform address: proxmox_virtual_environment_firewall_rules.cluster (cluster-ceph/foundation/rules, cluster-ceph/cluster/firewall-rules); every resource needs a name of its own',
    );
  });
});

describe('check refuses VM names the stacks use', () => {
  it('refuses a VM named "cluster", saying which resource has the name', () => {
    const { lines } = findingsOf(
      variantDir([{ file: 'vms.yaml', path: ['vms', 0, 'name'], value: 'cluster' }]),
    );
    expect(lines).toEqual([
      'vms.yaml:2:11  vms[0].name  "cluster" is a name the cluster stack uses for the cluster-wide firewall rules (proxmox_virtual_environment_firewall_rules.cluster); expected another VM name',
    ]);
  });

  it('knows every name the cluster stack gives its own resources of a type VMs also create', async () => {
    const inventory = findingsOf(variantDir()).result.inventory!;
    const out = join(work, 'names');
    await synthesize(deriveModel(inventory), out, {});
    const vmNames = inventory.vms.map((vm) => vm.name);
    const fromVm = (name: string): boolean => vmNames.some((vm) => name === vm || name.startsWith(`${vm}-`));
    for (const stack of readdirSync(join(out, 'stacks'))) {
      const json = JSON.parse(readFileSync(join(out, 'stacks', stack, 'cdk.tf.json'), 'utf8'));
      for (const [type, byName] of Object.entries(json.resource as Record<string, Record<string, unknown>>)) {
        const names = Object.keys(byName);
        if (!names.some(fromVm)) continue;
        for (const name of names.filter((n) => !fromVm(n) && !n.startsWith('anti-')))
          expect(STACK_OWN_NAMES.has(name), `${stack}: ${type}.${name} is not in STACK_OWN_NAMES`).toBe(true);
      }
    }
  });
});

describe('random text in every free-text field', () => {
  /** The free-text fields of the base fixture, each with the grammar it must pass. */
  const FIELDS: { edit: (value: string) => Edit; accepts: (value: string) => boolean }[] = [
    { edit: (v) => ({ file: 'org.yaml', path: ['name'], value: v }), accepts: ok(title(120)) },
    {
      edit: (v) => ({ file: 'sites.yaml', path: ['sites', 0, 'location'], value: v }),
      accepts: ok(title(120)),
    },
    { edit: (v) => ({ file: 'sites.yaml', path: ['sites', 1, 'notes'], value: v }), accepts: ok(notes) },
    {
      edit: (v) => ({ file: 'networks.yaml', path: ['networks', 0, 'notes'], value: v }),
      accepts: ok(notes),
    },
    { edit: (v) => ({ file: 'vms.yaml', path: ['vms', 2, 'notes'], value: v }), accepts: ok(notes) },
    {
      edit: (v) => ({
        file: 'vms.yaml',
        path: ['vms', 4, 'extra_ports'],
        value: [{ port: 9000, comment: v }],
      }),
      accepts: ok(comment),
    },
  ];

  function ok(schema: { safeParse: (v: unknown) => { success: boolean } }): (value: string) => boolean {
    return (value) => schema.safeParse(value).success && textProblem(value) === undefined;
  }

  it('never crashes the loader: a value is either refused at its own field or accepted as it was written', () => {
    fc.assert(
      fc.property(fc.nat(FIELDS.length - 1), nasty, (f, value) => {
        const field = FIELDS[f]!;
        const edit = field.edit(value);
        const { result } = findingsOf(variantDir([edit]));
        if (field.accepts(value)) expect(result.errors).toEqual([]);
        else expect(result.errors.length).toBeGreaterThan(0);
      }),
      { numRuns: 40 },
    );
    removeVariants();
  });

  it('writes accepted values literally into Terraform JSON, nftables and Icinga2, never as code', async () => {
    const samples = fc.sample(nasty, { numRuns: 400, seed: 9 });
    const pick = (accepts: (v: string) => boolean): string =>
      samples.find((v) => accepts(v) && /[$%]\{/.test(v) && v.trim() === v) ?? '';
    const values = FIELDS.map((field) => pick(field.accepts));
    for (const v of values) expect(v).not.toBe('');
    const { result } = findingsOf(variantDir(FIELDS.map((field, i) => field.edit(values[i]!))));
    expect(result.errors).toEqual([]);
    const out = join(work, 'random');
    await synthesize(deriveModel(result.inventory!), out, {});

    const literals: string[] = [];
    for (const stack of readdirSync(join(out, 'stacks'))) {
      const json: unknown = JSON.parse(readFileSync(join(out, 'stacks', stack, 'cdk.tf.json'), 'utf8'));
      for (const text of strings(json)) {
        const read = readTemplate(text);
        for (const interpolation of read.interpolations)
          expect(interpolation, `${stack}: ${JSON.stringify(text).slice(0, 200)}`).toMatch(REFERENCE);
        literals.push(read.literal);
      }
    }
    const [, , , , vmNotes, portComment] = values as [string, string, string, string, string, string];
    expect(literals.some((l) => l.includes(vmNotes))).toBe(true);
    expect(literals.filter((l) => l === portComment).length).toBeGreaterThan(0);

    // The same comment in the VM's own nftables, as one quoted nft string.
    const cloudConfig = parse(readFileSync(join(out, 'artifacts', 'cloud-init', 'runner.yaml'), 'utf8')) as {
      write_files: { path: string; content: string }[];
    };
    const nft = cloudConfig.write_files.find((f) => f.path === '/etc/nftables.conf')!.content;
    expect(nft).toContain(`comment ${nftString(portComment)}\n`);
    // And the location in Icinga2, as one Icinga2 string.
    const groups = readFileSync(join(out, 'artifacts', 'icinga2', 'groups.conf'), 'utf8');
    expect(groups).toContain(icingaString(`Site one (${values[1]})`));
  });
});
