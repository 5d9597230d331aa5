// The pinned semantics, the review's diff and the simulator agree on every attribute of every resource type: which change replaces the object.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { pinnedSemantics, pinnedSemanticsFiles, type ResourceSemantics } from '../providers/semantics.ts';
import { pinnedSchemaFiles } from '../providers/simulator/pinned.ts';
import { requiresReplace } from '../providers/simulator/plan.ts';
import { readSchemaFile, type SchemaBlock } from '../providers/simulator/schema.ts';
import type { Value } from '../providers/simulator/values.ts';
import { diffSynthOutputs } from '../review/diff.ts';

/** Every attribute path of a block, nested blocks included: `clone.vm_id`. */
function attributePaths(block: SchemaBlock, prefix = ''): string[] {
  return [
    ...Object.keys(block.attributes ?? {}).map((name) => `${prefix}${name}`),
    ...Object.entries(block.block_types ?? {}).flatMap(([name, t]) =>
      attributePaths(t.block, `${prefix}${name}.`),
    ),
  ];
}

/** An object holding `value` at `path`, blocks as lists of one object (as synthesized JSON has them). */
function objectWith(path: string, value: string): Record<string, unknown> {
  const [head, ...rest] = path.split('.');
  return { [head!]: rest.length === 0 ? value : [objectWith(rest.join('.'), value)] };
}

/** What the pinned semantics say a change of this attribute does. */
function semanticsReplaces(semantics: ResourceSemantics | undefined, path: string): boolean {
  return (semantics?.replace ?? []).some((r) => path === r.attribute || path.startsWith(`${r.attribute}.`));
}

/** What `npm run diff` says: the action of the resource between two synthesized stacks. */
function diffAction(type: string, before: object, after: object): string | undefined {
  const stack = (value: object) => ({
    stacks: new Map([['s', { resource: { [type]: { x: value as Record<string, unknown> } } }]]),
    artifacts: new Map(),
  });
  const report = diffSynthOutputs(stack(before), stack(after));
  return report.stacks[0]?.changes.find((c) => c.address === `${type}.x`)?.action;
}

const providers = pinnedSchemaFiles().flatMap(readSchemaFile);
const semantics = pinnedSemantics();

describe('the pinned semantics', () => {
  it('describe every resource type of every pinned schema, at the schema’s own pin', () => {
    const files = pinnedSemanticsFiles();
    for (const file of pinnedSchemaFiles()) {
      const name = file.split('/').at(-2)!;
      const schema = JSON.parse(readFileSync(file, 'utf8')) as {
        x_pinned: { provider: string; version: string; tag: string };
      };
      const pinned = files[name];
      expect(pinned, `providers/${name}/semantics.json`).toBeDefined();
      expect({ provider: pinned!.provider, version: pinned!.version, tag: pinned!.tag }).toEqual({
        provider: schema.x_pinned.provider,
        version: schema.x_pinned.version,
        tag: schema.x_pinned.tag,
      });
    }
    for (const provider of providers)
      expect(
        Object.keys(semantics)
          .filter((t) => t in (provider.schema.resource_schemas ?? {}))
          .sort(),
      ).toEqual(Object.keys(provider.schema.resource_schemas ?? {}).sort());
  });

  it('name only attributes the pinned schemas have', () => {
    const unknown: string[] = [];
    for (const provider of providers)
      for (const [type, schema] of Object.entries(provider.schema.resource_schemas ?? {})) {
        const paths = new Set(attributePaths(schema.block));
        const blocks = new Set(Object.keys(schema.block.block_types ?? {}));
        const s = semantics[type]!;
        for (const a of [...s.replace, ...s.defaults, ...s.validators, ...s.readBack].map((r) => r.attribute))
          if (!paths.has(a) && !blocks.has(a) && ![...blocks].some((b) => a.startsWith(`${b}.`)))
            unknown.push(`${type}.${a}`);
      }
    expect(unknown).toEqual([]);
  });
});

describe('npm run diff and the simulator replace exactly where the pinned semantics say', () => {
  for (const provider of providers)
    for (const [type, schema] of Object.entries(provider.schema.resource_schemas ?? {}))
      it(`${type}: every attribute`, () => {
        const disagreements: string[] = [];
        for (const path of attributePaths(schema.block)) {
          if (path === 'id') continue;
          const before = objectWith(path, 'a');
          const after = objectWith(path, 'b');
          const expected = semanticsReplaces(semantics[type], path);
          const diff = diffAction(type, before, after) === 'replace';
          const simulator = requiresReplace(type, before as Value, after as Value).length > 0;
          if (diff !== expected || simulator !== expected)
            disagreements.push(`${path}: semantics ${expected}, diff ${diff}, simulator ${simulator}`);
        }
        expect(disagreements).toEqual([]);
      });

  it('replaces a user on a realm change and a Gitea team on an organisation rename, with its memberships', () => {
    expect(
      diffAction('proxmox_virtual_environment_user', { user_id: 'alice@pve' }, { user_id: 'alice@ldap' }),
    ).toBe('replace');
    expect(
      diffAction(
        'gitea_team',
        { name: 'infra', organisation: 'old' },
        { name: 'infra', organisation: 'new' },
      ),
    ).toBe('replace');
    expect(
      diffAction('gitea_team_membership', { team_id: 1, username: 'a' }, { team_id: 2, username: 'a' }),
    ).toBe('replace');
    expect(diffAction('proxmox_acl', { path: '/pool/web' }, { path: '/pool/www' })).toBe('replace');
  });
});
