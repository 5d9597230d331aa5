// Builds the command lines converge hands to ansible-playbook and ssh, quoting every argument in one place.
//
// An argument passes through up to three parsers on its way: Ansible splits `--ssh-common-args` like a POSIX
// shell (Python's shlex), ssh expands `%` tokens and reads option values whitespace-separated, and ssh runs a
// ProxyCommand through `/bin/sh -c`. Each layer's quoting is applied here, innermost first, so a path with a
// space, a quote or a percent sign reaches the last parser as the same text.

/** Characters a POSIX shell (and shlex) never treats specially: such words need no quotes. */
const PLAIN = /^[A-Za-z0-9_@%+=:,./-]+$/;

/** One word for a POSIX shell or Python's shlex.split: plain words stay as they are, others in single quotes. */
export function shellQuote(word: string): string {
  if (PLAIN.test(word)) return word;
  return `'${word.replaceAll("'", `'\\''`)}'`;
}

/** Words joined into one command line that a POSIX shell or shlex.split turns back into the same words. */
export function shellJoin(words: readonly string[]): string {
  return words.map(shellQuote).join(' ');
}

/** A literal for ssh's `%` token expansion (ProxyCommand, UserKnownHostsFile): every `%` doubled. */
function sshLiteral(text: string): string {
  return text.replaceAll('%', '%%');
}

/** An ssh option value that is one file name: in double quotes when it holds whitespace, as ssh_config reads it. */
function sshPath(path: string): string {
  if (path.includes('"')) throw new Error(`${path}: ssh cannot read a file name with a double quote`);
  return /\s/.test(path) ? `"${sshLiteral(path)}"` : sshLiteral(path);
}

export interface SshTarget {
  /** The known_hosts file every host key, the jump host's included, is checked against. */
  readonly knownHosts: string;
  /** The account on the jump host (and on the VMs). */
  readonly user: string;
  /** The jump host's name, or undefined when the VMs are reached directly. */
  readonly jump?: string;
}

/** ssh's own arguments: host keys pinned to one file, and the jump host as a ProxyCommand. */
export function sshArgs(target: SshTarget): string[] {
  const pinned = [
    '-o',
    'StrictHostKeyChecking=yes',
    '-o',
    `UserKnownHostsFile=${sshPath(target.knownHosts)}`,
  ];
  if (!target.jump) return pinned;
  // The inner ssh's words go through the shell ssh starts; its % tokens (bar %h:%p) must survive the outer
  // ssh's expansion, and its own UserKnownHostsFile expansion after that.
  const inner = [
    'ssh',
    '-o',
    'StrictHostKeyChecking=yes',
    '-o',
    `UserKnownHostsFile=${sshPath(target.knownHosts)}`,
    '-W',
    '%h:%p',
    `${target.user}@${target.jump}`,
  ];
  const proxy = inner.map((w) => (w === '%h:%p' ? w : sshLiteral(shellQuote(w)))).join(' ');
  return [...pinned, '-o', `ProxyCommand=${proxy}`];
}

export interface PlaybookRun extends SshTarget {
  readonly inventoryFile: string;
  readonly playbook: string;
  readonly check: boolean;
  readonly diff: boolean;
  /** Further ansible-playbook arguments, e.g. the secrets vars file (`-e @FILE`). @default none */
  readonly extraArgs?: readonly string[];
}

/** The argv of one ansible-playbook run (without the program name); `--ssh-common-args` as shlex reads it. */
export function playbookArgs(run: PlaybookRun): string[] {
  return [
    '-i',
    run.inventoryFile,
    '-u',
    run.user,
    '--ssh-common-args',
    shellJoin(sshArgs(run)),
    ...(run.check ? ['--check'] : []),
    ...(run.diff ? ['--diff'] : []),
    ...(run.extraArgs ?? []),
    run.playbook,
  ];
}
