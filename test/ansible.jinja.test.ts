// No inventory text is ever an Ansible template: every string of every generated Ansible file is `!unsafe`
// or one of the generator's own expressions, and a real `ansible-playbook --check` of a playbook whose
// inventory text carries a Jinja payload never runs it.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { isScalar, parseAllDocuments, visit } from 'yaml';
import {
  isSecretTemplate,
  JINJA_EXPRESSIONS,
  renderAnsible,
  renderPlaybook,
  UNSAFE_TAG,
} from '../baseline/ansible.ts';
import { ANSIBLE_YAML_TAGS } from '../baseline/ansible-text.ts';
import { convergeModel, type VmModel } from '../baseline/vm-model.ts';
import { deriveModel } from '../model/derive.ts';
import { EXAMPLE, FIXTURE, validInventory } from './helpers/inventories.ts';
import { WITH_SERVICES } from './helpers/variant.ts';

/** Every generated Ansible file of an inventory, by path. */
function ansibleFiles(dir: string): Map<string, string> {
  const inventory = validInventory(dir);
  const model = deriveModel(inventory);
  const debian = inventory.vms.filter((vm) => vm.os !== 'other');
  return renderAnsible(
    model,
    debian.map((vm) => convergeModel(model, vm)),
  );
}

/** Strings of a YAML file that Ansible would read as a template: untagged and not the generator's own. */
function untaggedStrings(text: string): string[] {
  const found: string[] = [];
  for (const doc of parseAllDocuments(text, { customTags: ANSIBLE_YAML_TAGS })) {
    if (!('contents' in doc)) continue;
    visit(doc, {
      Pair(_, pair) {
        // Keys are module, parameter, host and group names: the generator's words or names of a grammar.
        const key = isScalar(pair.key) ? String(pair.key.value) : '';
        if (!/^[A-Za-z0-9_.-]+$/.test(key)) found.push(`key ${key}`);
      },
      Scalar(key, node) {
        if (key === 'key' || typeof node.value !== 'string') return;
        // A secret file's template is all `{% raw %}` text but for its store references.
        if (node.tag !== UNSAFE_TAG && !JINJA_EXPRESSIONS.has(node.value) && !isSecretTemplate(node.value))
          found.push(node.value);
      },
    });
  }
  return found;
}

describe('generated Ansible files carry inventory text only as !unsafe literals', () => {
  for (const dir of [EXAMPLE, FIXTURE, WITH_SERVICES]) {
    it(`tags every string of every Ansible file of ${dir.replace(/.*\/test\//, 'test/')}`, () => {
      const files = ansibleFiles(dir);
      expect(files.size).toBeGreaterThan(2);
      for (const [path, text] of files) {
        if (!path.endsWith('.yml')) continue;
        expect(untaggedStrings(text), path).toEqual([]);
      }
    });
  }

  it('allows a secret template only when all but its store references is raw text', () => {
    expect(
      isSecretTemplate("{% raw %}key: {% endraw %}{{ secrets['vm/a/acme-tsig'] }}{% raw %}\n{% endraw %}"),
    ).toBe(true);
    expect(isSecretTemplate("{% raw %}a{% endraw %}{{ lookup('pipe', 'id') }}{{ secrets['vm/a/x'] }}")).toBe(
      false,
    );
    expect(isSecretTemplate("{{ secrets['vm/a/x'] }}{% if 1 %}{% endif %}")).toBe(false);
  });

  it('finds an untagged string (the walk itself can fail)', () => {
    expect(untaggedStrings('- name: !unsafe "x"\n  comment: "{{ lookup(\'pipe\', \'id\') }}"\n')).toEqual([
      "{{ lookup('pipe', 'id') }}",
    ]);
  });
});

const ANSIBLE = spawnSync('ansible-playbook', ['--version']).status === 0;
if (!ANSIBLE)
  console.warn('skipping the ansible-playbook --check payload test: ansible-playbook is not installed');

const work = mkdtempSync(join(tmpdir(), 'ansible-jinja-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** A VM's real model with a payload in every text a member or a service puts on it, all inside `root`. */
function payloadModel(root: string, payload: string): VmModel {
  const inventory = validInventory(FIXTURE);
  const model = deriveModel(inventory);
  const real = convergeModel(
    model,
    inventory.vms.find((vm) => vm.os !== 'other')!,
  );
  const home = join(root, 'home');
  mkdirSync(home, { recursive: true });
  return {
    ...real,
    packages: [],
    repositories: [],
    services: [],
    enabledOnly: [],
    once: [],
    groups: [],
    users: [{ name: 'root', gecos: payload, shell: '/bin/bash', homedir: home, lock_passwd: true }],
    files: [{ path: join(root, 'file'), content: `${payload}\n`, permissions: '0644' }],
    directories: [{ path: join(root, 'dir'), mode: '0755' }],
    commands: [{ name: `Command ${payload}`, argv: ['/bin/true', payload], stdin: payload }],
  };
}

describe.skipIf(!ANSIBLE)('ansible-playbook --check of a playbook with a Jinja payload', () => {
  it('does not run the payload', () => {
    const root = join(work, 'root');
    const marker = join(work, 'marker');
    // Written by the payload if Ansible ever read the text as a template (lookups run on the controller).
    const payloads = [
      `{{ lookup('pipe', 'touch ${marker}') }}`,
      `{% set x = lookup('pipe', 'touch ${marker}') %}`,
    ];
    const model = payloadModel(root, payloads.join(' '));
    const playbook = join(work, 'vms', `${model.name}.yml`);
    mkdirSync(dirname(playbook), { recursive: true });
    writeFileSync(playbook, renderPlaybook(model));
    writeFileSync(
      join(work, 'local.yml'),
      `all:\n  hosts:\n    ${model.name}:\n      ansible_connection: local\n      ansible_python_interpreter: /usr/bin/python3\n`,
    );
    const run = spawnSync('ansible-playbook', ['--check', '-i', join(work, 'local.yml'), playbook], {
      encoding: 'utf8',
      env: { ...process.env, ANSIBLE_NOCOLOR: '1', ANSIBLE_RETRY_FILES_ENABLED: '0' },
    });
    expect(run.status, `${run.stdout}\n${run.stderr}`).toBe(0);
    // The payload reached Ansible as text: the task with it in its name ran.
    expect(run.stdout).toContain(`Command ${payloads[0]}`);
    expect(existsSync(marker)).toBe(false);
  });
});
