// The connections converge and the real-root tests hand to Mitogen (cli/mitogen.ts): Python that Debian's
// Python compiles, and the cast that makes Ansible's unsafe strings plain before Mitogen pickles them, so the
// other side can read them (without it: "cannot unpickle 'ansible.utils.unsafe_proxy'/'AnsibleUnsafeText'").
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CONNECTIONS, mitogenMissing, writeConnectionPlugins } from '../cli/mitogen.ts';

const MISSING = mitogenMissing();
if (MISSING) console.warn(`skipping the Mitogen connection tests: ${MISSING}`);

const dir = writeConnectionPlugins(mkdtempSync(join(tmpdir(), 'mitogen-plugins-')));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Runs Python with the connection `name` loaded as a module (`plugin`), as Ansible's plugin loader does. */
function python(name: string, script: string): { status: number; output: string } {
  const load = [
    'import importlib.util',
    `spec = importlib.util.spec_from_file_location('plugin', ${JSON.stringify(join(dir, `${name}.py`))})`,
    'plugin = importlib.util.module_from_spec(spec)',
    'spec.loader.exec_module(plugin)',
  ].join('\n');
  const r = spawnSync('/usr/bin/python3', ['-c', `${load}\n${script}`], { encoding: 'utf8' });
  return { status: r.status ?? 1, output: `${r.stdout}${r.stderr}` };
}

describe.skipIf(MISSING !== undefined)("the connections handed to Mitogen's strategy", () => {
  it.each(Object.values(CONNECTIONS))('%s loads as a Mitogen connection', (name) => {
    const r = python(
      name,
      'import ansible_mitogen.connection\nassert issubclass(plugin.Connection, ansible_mitogen.connection.Connection)',
    );
    expect(r.status, r.output).toBe(0);
  });

  it('makes unsafe strings plain, deep in what Mitogen sends, and Mitogen reads them back', () => {
    const r = python(
      CONNECTIONS.ssh,
      [
        'import mitogen.core, mitogen.utils',
        'from ansible.utils.unsafe_proxy import AnsibleUnsafeText',
        "sent = mitogen.utils.cast({'hostname': AnsibleUnsafeText('vm.example.org'), 'env': [(AnsibleUnsafeText('K'), AnsibleUnsafeText('v'))]})",
        "assert type(sent['hostname']) is str and type(sent['env'][0][1]) is str, sent",
        'msg = mitogen.core.Message.pickled(sent)',
        'msg.router = None',
        "print(msg.unpickle()['hostname'])",
      ].join('\n'),
    );
    expect(r.status, r.output).toBe(0);
    expect(r.output.trim()).toBe('vm.example.org');
  });

  it("starts a chroot's modules in / (the playbook's folder does not exist inside a root)", () => {
    const r = python(CONNECTIONS.chroot, "assert plugin.Connection.get_default_cwd(None) == '/'");
    expect(r.status, r.output).toBe(0);
  });
});
