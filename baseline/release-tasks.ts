// The playbook tasks that install one pinned upstream release: verify, stage, unpack side by side, switch `current`.
import { literal, type Task } from './ansible-text.ts';
import { type ReleaseInstall, releaseRoot } from './releases.ts';

/** Where verified downloads wait; only root reads it, and nothing is unpacked from anywhere else. */
export function stagingDir(app: string): string {
  return `${releaseRoot(app)}/.staging`;
}

function fileName(url: string): string {
  return url.slice(url.lastIndexOf('/') + 1);
}

/** Puts the verified artifact into its version directory: the binary copied, an archive unpacked once. */
function unpackTask(release: ReleaseInstall, staged: string, dir: string): Task {
  const name = `Install ${release.app} ${release.version} into ${dir}`;
  if (release.format === 'binary') {
    return {
      name,
      'ansible.builtin.copy': {
        src: staged,
        dest: `${dir}/${release.program}`,
        remote_src: true,
        owner: 'root',
        group: 'root',
        mode: '0755',
      },
    };
  }
  return {
    name,
    'ansible.builtin.unarchive': {
      src: staged,
      dest: dir,
      remote_src: true,
      owner: 'root',
      group: 'root',
      // Upstream archives hold one top directory (gitea-1.22.6/, nextcloud/); the version directory replaces it.
      ...(release.format === 'tar' ? { extra_opts: ['--strip-components=1'] } : {}),
      creates: `${dir}/${release.program}`,
    },
  };
}

/**
 * Download to the staging directory with the checksum checked by get_url before the file is moved there (a
 * mismatch fails the run with nothing unpacked and `current` untouched), then the version directory, then
 * the switch of `current`, which notifies the restart. Earlier versions stay for a rollback.
 */
export function releaseTasks(release: ReleaseInstall): Task[] {
  const root = releaseRoot(release.app);
  const staging = stagingDir(release.app);
  const staged = `${staging}/${release.version}-${fileName(release.url)}`;
  const dir = `${root}/${release.version}`;
  return [
    // Two tasks rather than a loop: a loop needs `{{ item }}`, and every other string here is a literal.
    ...[
      { path: root, mode: '0755' },
      { path: staging, mode: '0700' },
    ].map(({ path, mode }) => ({
      name: `Directory ${path} of the ${release.app} releases`,
      'ansible.builtin.file': { path: literal(path), state: 'directory', owner: 'root', group: 'root', mode },
    })),
    {
      name: `Download ${release.app} ${release.version}, verified against its pinned checksum`,
      'ansible.builtin.get_url': {
        url: literal(release.url),
        dest: literal(staged),
        checksum: literal(release.checksum),
        owner: 'root',
        group: 'root',
        mode: '0600',
      },
    },
    {
      // Only after the download passed its check: a refused artifact leaves no trace beside the releases.
      name: `Directory of ${release.app} ${release.version}`,
      'ansible.builtin.file': {
        path: literal(dir),
        state: 'directory',
        owner: 'root',
        group: 'root',
        mode: '0755',
      },
    },
    unpackTask(release, staged, dir),
    {
      name: `Switch ${root}/current to ${release.version}`,
      'ansible.builtin.file': {
        src: literal(dir),
        dest: literal(`${root}/current`),
        state: 'link',
        owner: 'root',
        group: 'root',
      },
      notify: release.restart,
    },
  ];
}
