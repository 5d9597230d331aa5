// The fast YAML emitter (baseline/yaml-text.ts) writes what the yaml library's Document writes, byte for byte:
// every playbook, Ansible inventory and cloud-config of the example and of the fixture organisations, random
// data of every shape the generators make, hostile strings of every kind; and it refuses any other shape.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { parse, Scalar } from 'yaml';
import { ansibleText, documentText, renderAnsible } from '../baseline/ansible.ts';
import { ANSIBLE_YAML_TAGS, literal } from '../baseline/ansible-text.ts';
import { renderCloudConfig } from '../baseline/cloud-config.ts';
import {
  type AnsibleYaml,
  emitAnsibleYaml,
  emitPlainYaml,
  FlowList,
  libraryPlainText,
  libraryText,
  type PlainOf,
} from '../baseline/yaml-text.ts';
import type { Model } from '../model/derive.ts';
import { loadInventory } from '../model/load.ts';
import { renderIcinga2 } from '../monitoring/icinga2.ts';
import { vmConvergeModels } from '../monitoring/icinga2-node.ts';
import { artifacts, vmsByName } from '../stacks/artifacts.ts';
import { appsFixture } from './helpers/apps-org.ts';
import { icingawebFixture } from './helpers/icingaweb-org.ts';
import { mailOrg, withMailman } from './helpers/mail-org.ts';
import { EXAMPLE, FIXTURE } from './helpers/inventories.ts';
import { rtcFixture } from './helpers/rtc-org.ts';
import { servicesFixture } from './helpers/services-org.ts';
import { upstreamFixture } from './helpers/upstream-org.ts';

const work = mkdtempSync(join(tmpdir(), 'yaml-text-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

function modelOf(dir: string): Model {
  const result = loadInventory(dir);
  if (!result.model)
    throw new Error(`${dir}: ${result.errors.map((e) => `${e.path} ${e.message}`).join('\n')}`);
  return result.model;
}

/** The organisations whose generated Ansible is compared: the example, and every fixture with Debian VMs. */
function organisations(): [string, Model][] {
  const made = (name: string, write: (dir: string) => void): [string, Model] => {
    const dir = join(work, name);
    write(dir);
    return [name, modelOf(dir)];
  };
  mkdirSync(join(work, 'keys'));
  const partner =
    'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIM63rSJofh9PY67fRhyHUl3pUS2RiJhd42LVr0dxnZzb partner@test';
  return [
    ['example', modelOf(EXAMPLE)],
    ['fixture', modelOf(FIXTURE)],
    ['dns fixture', modelOf('test/fixtures/dns/org')],
    made('services', (dir) => servicesFixture(dir, partner)),
    made('apps', (dir) => appsFixture(dir, join(work, 'keys'))),
    made('rtc', rtcFixture),
    made('icingaweb', icingawebFixture),
    made('upstream', upstreamFixture),
    // The mail server with Mailman beside it, as mail.roots and mailman.roots converge them.
    ['mail', modelOf(withMailman(mailOrg(mkdirSync(join(work, 'mail'), { recursive: true })!)).inventory)],
  ];
}

describe('the generated Ansible of every organisation', () => {
  it('is byte-identical through the fast emitter and through the yaml library, and synth writes the fast text', () => {
    let compared = 0;
    for (const [name, model] of organisations()) {
      const debian = vmsByName(model.inventory).filter((vm) => vm.os !== 'other');
      const models = vmConvergeModels(model, debian, renderIcinga2(model));
      const reference = renderAnsible(model, models, documentText);
      const fast = renderAnsible(model, models, ansibleText);
      expect(reference.size, name).toBeGreaterThan(2);
      expect([...fast.keys()], name).toEqual([...reference.keys()]);
      for (const [path, text] of reference) {
        expect(fast.get(path), `${name}: ${path}`).toBe(text);
        compared++;
      }
      // What synth writes under artifacts/ansible/ is the same text.
      const written = artifacts(model);
      for (const [path, text] of reference)
        expect(written.get(`ansible/${path}`), `${name}: ${path}`).toBe(text);
      for (const vm of model.inventory.vms) {
        const text = renderCloudConfig(model, vm, undefined, libraryPlainText);
        expect(renderCloudConfig(model, vm), `${name}: cloud-config of ${vm.name}`).toBe(text);
        compared++;
      }
    }
    expect(compared).toBeGreaterThan(100);
  }, 120_000);
});

/** A plain scalar of the tests' own (the generator's Jinja class is private to baseline/ansible.ts). */
class Plain {
  constructor(readonly text: string) {}
}
const plainOf: PlainOf = (value) => (value instanceof Plain ? value.text : undefined);
/**
 * Only blank lines, some with spaces: yaml writes a block that reads back without the spaces (its line of
 * spaces is taken for indentation); the emitter quotes it instead (found by the property below).
 */
const yamlLosesIt = (text: string): boolean =>
  text.includes('\n') && /^[\t\n ]*$/.test(text) && text.includes(' ');

/** Whether a text yaml loses (yamlLosesIt) is anywhere in `value`, as a key, an item or a value. */
function anyLost(value: unknown): boolean {
  if (typeof value === 'string') return yamlLosesIt(value);
  if (value instanceof FlowList) return value.items.some(anyLost);
  if (Array.isArray(value)) return value.some(anyLost);
  if (value !== null && typeof value === 'object')
    return Object.entries(value).some(([key, item]) => yamlLosesIt(key) || anyLost(item));
  return false;
}

const bothWays = (doc: AnsibleYaml): [string, string] => [
  emitAnsibleYaml(doc, plainOf),
  libraryText(doc, plainOf),
];

/** Pieces of text that YAML, Jinja or the emitter's own rules treat specially. */
const PIECES = [
  '{{ x }}',
  '{% raw %}',
  '{% endraw %}',
  '{# c #}',
  '#',
  ' #',
  ': ',
  ':',
  '- ',
  '-',
  '? ',
  '?',
  '---',
  '...',
  '%YAML',
  '\n',
  '\n\n',
  '\r\n',
  '\t',
  ' ',
  '  ',
  '"',
  "'",
  '\\',
  '\\n',
  '|',
  '>',
  '!',
  '&a',
  '*a',
  '@',
  '`',
  '[',
  ']',
  '{',
  '}',
  ',',
  'true',
  'null',
  '~',
  '12',
  '0x1F',
  '0o17',
  '1e3',
  '.5',
  '.nan',
  '-.inf',
  'no',
  '\u0000',
  '\u0007',
  '\u000b',
  '\u001b',
  '\u007f',
  '\u0085',
  '\u00a0',
  '\u2028',
  '\u2029',
  '\ud800',
  '\udfff',
  '\ufeff',
  '😀',
  '\u{10ffff}',
  'ü',
  'x'.repeat(300),
  'word '.repeat(60),
];

/** Hostile text: pieces and random characters (any UTF-16 code unit, so lone surrogates too), at any length. */
const hostile = fc.oneof(
  fc
    .array(fc.oneof(fc.constantFrom(...PIECES), fc.string({ unit: 'binary', maxLength: 4 })), {
      maxLength: 14,
    })
    .map((parts) => parts.join('')),
  fc.string({ unit: fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c)), maxLength: 30 }),
  fc.string({ unit: 'binary', maxLength: 30 }),
);

/** Every shape the generator makes: maps and lists (empty too), `!unsafe` strings, plain scalars, numbers, booleans, null. */
const { tree } = fc.letrec<{ tree: unknown; leaf: unknown }>((tie) => ({
  leaf: fc.oneof(
    hostile,
    hostile.map((text) => new Plain(text)),
    hostile.map((text) => literal(text)),
    fc.integer(),
    fc.double(),
    fc.boolean(),
    fc.constant(null),
  ),
  tree: fc.oneof(
    { depthSize: 'small' },
    tie('leaf'),
    fc.array(tie('tree'), { maxLength: 4 }),
    fc.dictionary(
      hostile.filter((k) => k.length < 200),
      tie('tree'),
      { maxKeys: 4 },
    ),
  ),
}));
const document = fc.record({
  contents: fc.oneof(fc.array(tree, { maxLength: 4 }), fc.dictionary(fc.string(), tree, { maxKeys: 4 })),
  comment: fc.option(hostile, { nil: undefined }),
  nullStr: fc.constantFrom(undefined, '', 'null'),
});

describe('the fast emitter against the yaml library', () => {
  it('writes hostile strings byte for byte as yaml does, as `!unsafe` text and as plain scalars, and they read back', () => {
    fc.assert(
      fc.property(hostile, (text) => {
        const contents = [text, { key: text }, [[text]]];
        const [fast, reference] = bothWays({ contents, comment: text });
        if (!yamlLosesIt(text)) expect(fast).toBe(reference);
        // Without the comment (a carriage return ends a comment line early, in yaml's output as in ours).
        expect(parse(emitAnsibleYaml({ contents }, plainOf), { customTags: ANSIBLE_YAML_TAGS })).toEqual(
          contents,
        );
        const plain = { contents: { a: new Plain(text), b: [new Plain(text)], c: { d: new Plain(text) } } };
        const [fastPlain, referencePlain] = bothWays(plain);
        if (!yamlLosesIt(text)) expect(fastPlain).toBe(referencePlain);
      }),
      { numRuns: 3000 },
    );
  }, 120_000);

  it("quotes a text of blank lines with spaces, which yaml's own block loses", () => {
    for (const text of ['  \n\n', ' \n', '  \n', '\n  \n\n', ' \t\n \n']) {
      const contents = [text, { key: text }, [[text]]];
      expect(parse(libraryText({ contents }, plainOf), { customTags: ANSIBLE_YAML_TAGS })).not.toEqual(
        contents,
      );
      const fast = emitAnsibleYaml({ contents }, plainOf);
      expect(parse(fast, { customTags: ANSIBLE_YAML_TAGS })).toEqual(contents);
      // Plain data too, at the top and nested in lists and maps (a CI run's counterexample: "  \n" there).
      const plain = { a: text, '': [[{ '': { '': text } }]] };
      expect(parse(emitPlainYaml(plain))).toEqual(plain);
    }
  });

  it('writes hostile keys as yaml does', () => {
    fc.assert(
      fc.property(
        hostile.filter((k) => k.length < 200),
        (key) => {
          const contents = { [key]: 'value', nested: { [key]: [key] } };
          const [fast, reference] = bothWays({ contents });
          if (!anyLost(contents)) expect(fast).toBe(reference);
        },
      ),
      { numRuns: 2000 },
    );
  }, 120_000);

  it('writes every shape the generator makes as yaml does', () => {
    fc.assert(
      fc.property(document, (doc) => {
        const [fast, reference] = bothWays(doc);
        if (!anyLost(doc.contents)) expect(fast).toBe(reference);
      }),
      { numRuns: 1500 },
    );
  }, 120_000);

  it('writes plain data, flow lists included, as yaml stringify does (the cloud-configs, borgmatic)', () => {
    const scalar = fc.oneof(hostile, fc.integer(), fc.boolean(), fc.constant(null));
    const { plainTree } = fc.letrec<{ plainTree: unknown }>((tie) => ({
      plainTree: fc.oneof(
        { depthSize: 'small' },
        scalar,
        fc.array(scalar, { maxLength: 5 }).map((items) => new FlowList(items)),
        fc.array(tie('plainTree'), { maxLength: 4 }),
        fc.dictionary(
          hostile.filter((k) => k.length < 200),
          tie('plainTree'),
          { maxKeys: 4 },
        ),
      ),
    }));
    fc.assert(
      fc.property(fc.dictionary(fc.string(), plainTree, { maxKeys: 5 }), (contents) => {
        const fast = emitPlainYaml(contents);
        if (!anyLost(contents)) expect(fast).toBe(libraryPlainText(contents));
      }),
      { numRuns: 2000 },
    );
    fc.assert(
      fc.property(hostile, (text) => {
        const contents = {
          a: text,
          b: [text],
          c: new FlowList([text, text]),
          d: { [text.slice(0, 100)]: text },
        };
        if (!anyLost(contents)) expect(emitPlainYaml(contents)).toBe(libraryPlainText(contents));
      }),
      { numRuns: 2000 },
    );
  }, 120_000);

  it('refuses a shape it does not write instead of guessing', () => {
    const twice = ['x'];
    for (const contents of [
      { a: twice, b: twice },
      { a: new FlowList([['nested']]) },
      { a: new FlowList([{}]) },
    ])
      expect(() => emitPlainYaml(contents)).toThrow(/does not write/);
    const refused = [
      new Map([['a', 1]]),
      new Set(['a']),
      new Date(0),
      new Plain('top-level scalar'),
      [undefined],
      [1n],
      [() => 1],
      [Symbol('s')],
      [new Scalar('untagged')],
      [Object.assign(literal('text'), { anchor: 'a1' })],
      [Object.assign(literal('text'), { type: 'QUOTE_SINGLE' })],
      { ['k'.repeat(1100)]: 1 },
    ];
    for (const [i, contents] of refused.entries())
      expect(() => emitAnsibleYaml({ contents }, plainOf), `case ${i}`).toThrow(/does not write/);
  });
});
