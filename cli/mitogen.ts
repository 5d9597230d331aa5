// Mitogen (Debian's ansible-mitogen) runs Ansible's modules in one Python per host, started once, instead of
// a new interpreter and a fresh copy of Ansible's module code for every task: a converge takes a sixth of the
// CPU (a proxy's playbook, nothing to change: 43 s of CPU as `linear`, 7 s as `mitogen_linear`). Converge
// and the real-root tests use its strategy; `--strategy linear` is plain Ansible, for when Mitogen is at fault.
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const MITOGEN_STRATEGY = 'mitogen_linear';
/** The strategies converge accepts: Mitogen's, and Ansible's own as the way back. */
export const STRATEGIES = [MITOGEN_STRATEGY, 'linear'] as const;

/** The interpreter of ansible-playbook (its `#!` line), which is where the strategy plugin must load. */
function ansiblePython(path: string): string[] {
  const first = readFileSync(path, 'utf8').split('\n', 1)[0]!;
  return first.startsWith('#!') ? first.slice(2).trim().split(/\s+/) : ['python3'];
}

/** Why ansible-playbook cannot use Mitogen's strategy on this machine, or undefined when it can. */
export function mitogenMissing(): string | undefined {
  const where = spawnSync('sh', ['-c', 'command -v ansible-playbook'], { encoding: 'utf8' });
  if (where.status !== 0) return 'ansible-playbook is not installed';
  const [python, ...args] = ansiblePython(where.stdout.trim());
  const found = spawnSync(python!, [...args, '-c', 'import ansible_mitogen.plugins.strategy'], {
    stdio: 'ignore',
  });
  return found.status === 0
    ? undefined
    : "Debian's ansible-mitogen is not installed beside ansible-playbook (apt-get install ansible-mitogen)";
}

/** The connections converge and the tests run Mitogen's strategy with (`connectionPlugin`). */
export const CONNECTIONS = {
  /** Mitogen's SSH connection: what converge uses to reach the VMs. */
  ssh: 'infra_ssh',
  /**
   * A Debian root of the tests: the inventory's ansible_python_interpreter is `chroot ROOT /usr/bin/python3`
   * (or a booted root's `ENTER ROOT /usr/bin/python3`), so Mitogen starts its one Python per host inside the
   * root. Mitogen's local connection would start modules in the playbook's folder, which does not exist
   * inside the root: they start in `/`, as through Ansible's chroot connection.
   */
  chroot: 'infra_chroot',
} as const;

/**
 * Mitogen 0.3.3 (Debian 12) pickles what it sends between Ansible's processes and the hosts (connection
 * settings, a module's environment), after `mitogen.utils.cast` made every string a plain one. Ansible 2.14's
 * AnsibleUnsafeText (the inventory's `!unsafe` host names, the secrets' values in a task's `environment`)
 * survives that cast, because its `str()` returns itself, and the other side refuses it: "cannot unpickle
 * 'ansible.utils.unsafe_proxy'/'AnsibleUnsafeText'". `str.__str__` copies such a string as a plain one. Only
 * the copy sent is plain; the templating that `!unsafe` guards is over by then.
 */
const PLAIN_CAST = `import mitogen.core
import mitogen.utils


def plain(value):
    if isinstance(value, dict):
        return dict((plain(k), plain(v)) for k, v in value.items())
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    if isinstance(value, mitogen.utils.PASSTHROUGH):
        return value
    if isinstance(value, str):
        return str.__str__(value)
    if isinstance(value, bytes):
        return bytes(memoryview(value))
    raise TypeError('Cannot serialize: %r: %r' % (type(value), value))


mitogen.utils.cast = plain
`;

const CLASSES: Record<keyof typeof CONNECTIONS, string> = {
  ssh: `from ansible_mitogen.plugins.connection import mitogen_ssh


class Connection(mitogen_ssh.Connection):
    pass
`,
  chroot: `import ansible_mitogen.connection


class Connection(ansible_mitogen.connection.Connection):
    transport = 'local'

    def get_default_cwd(self):
        return '/'
`,
};

/** The text of one of the connections, a Python file for Ansible's connection plugin folder. */
export function connectionPlugin(kind: keyof typeof CONNECTIONS): string {
  return [
    `# Written by infra's cli/mitogen.ts (see there why): ${CONNECTIONS[kind]}.`,
    'from __future__ import absolute_import, division, print_function',
    '',
    '__metaclass__ = type',
    '',
    PLAIN_CAST,
    CLASSES[kind],
  ].join('\n');
}

/** Writes the connections into `dir` (a folder of the caller's own) and returns the folder, for Ansible. */
export function writeConnectionPlugins(dir: string): string {
  for (const kind of Object.keys(CONNECTIONS) as (keyof typeof CONNECTIONS)[])
    writeFileSync(join(dir, `${CONNECTIONS[kind]}.py`), connectionPlugin(kind), { mode: 0o644 });
  return dir;
}
