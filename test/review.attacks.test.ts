// The attacks of issue 18, each reproduced with throwaway keys and commits in a temporary repository: the
// deploy gate (cli/deploy-gate.ts, run as the pipeline runs it) must refuse each, and the review must show it.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadInventory } from '../model/load.ts';
import { renderAccessReview, reviewAccess } from '../review/access-review.ts';
import { compiled } from './helpers/cli.ts';
import { FIXTURE_TODAY } from './helpers/members.ts';
import { type ReviewRepo, reviewRepo } from './helpers/review-repo.ts';

const scratch = mkdtempSync(join(tmpdir(), 'review-attacks-'));
const repos: ReviewRepo[] = [];
afterAll(() => {
  for (const r of repos) r.remove();
  rmSync(scratch, { recursive: true, force: true });
});

const EMPTY_PLAN = { format_version: '1.2', resource_changes: [] };

function repo(edits?: Parameters<typeof reviewRepo>[0]): { r: ReviewRepo; base: string } {
  const r = reviewRepo(edits);
  repos.push(r);
  return { r, base: r.git('rev-parse', 'HEAD').trim() };
}

let plans = 0;
/** Runs the gate in the repository as the deploy does; `deployed` is the last deployed revision. */
function gate(r: ReviewRepo, deployed: string, plan: object = EMPTY_PLAN, ...extra: string[]) {
  const file = join(scratch, `plan-${plans++}.json`);
  writeFileSync(file, JSON.stringify(plan));
  const run = spawnSync(
    process.execPath,
    [
      compiled('cli/deploy-gate.ts'),
      file,
      '--stack',
      'cluster-ceph',
      '--inventory',
      'inventory',
      '--deployed',
      deployed,
      '--main',
      'HEAD',
      ...extra,
    ],
    { cwd: r.dir, encoding: 'utf8' },
  );
  return { status: run.status, out: `${run.stdout}${run.stderr}` };
}

function review(r: ReviewRepo, base: string) {
  const head = loadInventory(join(r.dir, 'inventory'), { today: FIXTURE_TODAY }).inventory!;
  return reviewAccess(r.dir, base, 'HEAD', 'inventory', head);
}

const addKey = (user: string, key: string) => (text: string) =>
  text.replace(new RegExp(`(- user: ${user}\\n(?:.*\\n)*?    keys:\\n)`), `$1      - ${key}\n`);

describe('key proof binds a key to its member', () => {
  it('an outsider who adds their own key to a sysadmin and signs with it is refused', () => {
    const { r, base } = repo();
    r.edit('members', addKey('ada', r.pub('eve')));
    r.commit('Add my laptop key', 'eve');
    const text = renderAccessReview(review(r, base));
    expect(text).toMatch(
      /\*\*key not proven: ada's new key SHA256:\S+ needs a commit signed with a key ada had at the base\*\*/,
    );
    const run = gate(r, base);
    expect(run.status).toBe(1);
    expect(run.out).toMatch(/REFUSED cluster-ceph: key not proven: ada's new key/);
  });

  it('a key moved from a developer to a sysadmin is new to the sysadmin, though the developer signs', () => {
    const { r, base } = repo();
    const cyKey = r.pub('cy');
    r.edit('members', (t) => addKey('ada', cyKey)(t.replace(cyKey, r.pub('cy-2'))));
    r.commit('ada uses this key now', 'cy');
    const proofs = review(r, base).proofs.filter((p) => p.key.user === 'ada');
    expect(proofs.map((p) => [p.possession !== undefined, p.consent !== undefined])).toEqual([[true, false]]);
    const run = gate(r, base);
    expect(run.status).toBe(1);
    expect(run.out).toMatch(/REFUSED cluster-ceph: key not proven: ada's new key/);
  });

  it("a key is proven by its own signature plus the member's base key, and the gate lets it through", () => {
    const { r, base } = repo();
    r.edit('members', addKey('ada', r.pub('ada-new')));
    r.commit('ada adds a second key', 'ada-new');
    r.commit('I, ada, agree', 'ada');
    const text = renderAccessReview(review(r, base));
    expect(text).toMatch(
      /- key proven: ada's new key SHA256:\S+ signed commit [0-9a-f]{10} \(signer not in the base allowed signers, committer Mallory <mallory@test\.example\.org>\); ada's key at the base signed commit [0-9a-f]{10} \(signer ada@test\.example\.org, committer Mallory/,
    );
    const run = gate(r, base);
    expect(run.out).not.toContain('REFUSED');
    expect(run.status).toBe(0);
  });

  it("a new member is proven by their key and their sponsor's base key; without the sponsor, refused", () => {
    const { r, base } = repo();
    r.edit(
      'members',
      (t) =>
        `${t}  - user: alice\n    name: Alice Liddell\n    email: alice@test.example.org\n    keys:\n      - ${r.pub('alice')}\n    roles: [developer]\n    since: ${FIXTURE_TODAY}\n    sponsor: bob\n`,
    );
    r.commit('Onboard alice', 'alice');
    expect(gate(r, base).out).toMatch(
      /key not proven: alice's new key \S+ needs a commit signed with a key alice's sponsor bob had at the base/,
    );
    r.commit('Sponsored', 'bob');
    const run = gate(r, base);
    expect(run.out).not.toContain('REFUSED');
    expect(run.status).toBe(0);
  });
});

describe('every access change is shown and gated', () => {
  it('a new bootstrap admin key in org.yaml', () => {
    const { r, base } = repo();
    r.edit('org', (t) => t.replace('  keys:\n', `  keys:\n    - ${r.pub('mallory')}\n`));
    r.commit('Admin key for the new laptop');
    const text = renderAccessReview(review(r, base));
    expect(text).toMatch(
      /\*\*new bootstrap admin key SHA256:\S+ \(bootstrap: passwordless sudo on every VM\)\*\* \(`admin-key\/SHA256:\S+`\)/,
    );
    const run = gate(r, base);
    expect(run.status).toBe(1);
    expect(run.out).toMatch(
      /access change not reviewed: new bootstrap admin key SHA256:\S+ .*; needs Allow-Access: admin-key\/SHA256:/,
    );
    const id = /needs Allow-Access: (\S+)/.exec(run.out)![1]!;
    r.commit(`Reviewed\n\nAllow-Access: ${id}`);
    expect(gate(r, base).status).toBe(0);
    // The trailer is a claim anyone can type: the review puts it in front of the reviewer.
    expect(renderAccessReview(review(r, base))).toContain(
      `### Trailers in these commits\n\nEach one tells the deploy gate that a maintainer reviewed what it names; check that this is true:\n\n- **\`Allow-Access: ${id}\`**`,
    );
  });

  const cases: {
    what: string;
    file: string;
    edit: (r: ReviewRepo) => (text: string) => string;
    shown: string | RegExp;
    trailer: string | RegExp;
  }[] = [
    {
      what: 'a new ssh.keys_url',
      file: 'org',
      edit: () => (t) => `${t}ssh:\n  keys_url: https://keys.evil.example/{user}.keys\n`,
      shown: '**sshd on every VM accepts keys fetched from https://keys.evil.example/{user}.keys**',
      trailer: 'needs Allow-Access: key-source/https://keys.evil.example/{user}.keys',
    },
    {
      what: 'a changed forge_user (the new login joins the admin team)',
      file: 'members',
      edit: () => (t) =>
        t.replace('    sponsor: ada\n    matrix:', '    sponsor: ada\n    forge_user: mallory\n    matrix:'),
      shown: "**bob's forge login is mallory (was bob)**",
      trailer: 'needs Allow-Access: forge-user/bob',
    },
    {
      what: "a changed e-mail (the principal a member's signatures are checked by)",
      file: 'members',
      edit: () => (t) => t.replace('email: bob@test.example.org', 'email: mallory@test.example.org'),
      shown: "**bob's e-mail (the principal their signatures are checked by) is mallory@test.example.org",
      trailer: 'needs Allow-Access: email/bob',
    },
    {
      what: 'a new monitoring key',
      file: 'org',
      edit: (r) => (t) =>
        `${t}monitoring:\n  sources: ["2001:db8:1::99/128"]\n  ssh_key: ${r.pub('monitoring')}\n`,
      shown: /\*\*monitoring logs in as monitoring with key SHA256:\S+ on every VM\*\*/,
      trailer: /needs Allow-Access: monitoring-key\/SHA256:\S+/,
    },
  ];

  it.each(cases)('$what', ({ file, edit, shown, trailer }) => {
    const { r, base } = repo();
    r.edit(file, edit(r));
    r.commit('A small change');
    const text = renderAccessReview(review(r, base));
    if (typeof shown === 'string') expect(text).toContain(shown);
    else expect(text).toMatch(shown);
    const run = gate(r, base);
    expect(run.status).toBe(1);
    if (typeof trailer === 'string') expect(run.out).toContain(trailer);
    else expect(run.out).toMatch(trailer);
  });

  it('a role that gains sudo: redefined role and each holder, gated', () => {
    const { r, base } = repo();
    r.edit('roles', (t) =>
      t.replace('ssh: { vms: [git, runner] }', 'ssh: { vms: [git, runner] }\n    sudo: true'),
    );
    r.commit('developers may restart services');
    const run = gate(r, base);
    expect(run.status).toBe(1);
    expect(run.out).toContain('needs Allow-Access: role/developer');
    expect(run.out).toContain(
      'access change not reviewed: cy gains: sudo on 2 VMs already reachable (git, runner); needs Allow-Access: grant/cy',
    );
  });
});

describe('the gate fails closed', () => {
  function unsignedKeyInEarlierCommit() {
    const { r, base } = repo();
    r.edit('members', addKey('ada', r.pub('eve')));
    r.commit('Add a key');
    r.commit('Unrelated follow-up');
    return { r, base };
  }

  it('refuses an unknown last-deployed revision (force-push, shallow clone)', () => {
    const { r } = unsignedKeyInEarlierCommit();
    const run = gate(r, '1234567890abcdef1234567890abcdef12345678');
    expect(run.status).toBe(1);
    expect(run.out).toContain(
      'the last deployed revision "1234567890abcdef1234567890abcdef12345678" is unknown',
    );
  });

  it("refuses Drone's all-zeros before-revision and a missing one instead of checking the last commit only", () => {
    const { r } = unsignedKeyInEarlierCommit();
    expect(gate(r, '0000000000000000000000000000000000000000').status).toBe(1);
    expect(gate(r, '').out).toContain('the last deployed revision was not given');
  });

  it('refuses a commit that is not the tip of main (a re-run of an old build)', () => {
    const { r, base } = repo();
    r.commit('Newer');
    const run = gate(r, base, EMPTY_PLAN, '--commit', base);
    expect(run.status).toBe(1);
    expect(run.out).toMatch(/REFUSED cluster-ceph: commit [0-9a-f]{7} is not the tip of main/);
  });
});

const DB = 'proxmox_virtual_environment_vm.db';
const vmChange = (actions: string[], before: object, after: object) => ({
  format_version: '1.2',
  resource_changes: [
    {
      address: DB,
      mode: 'managed',
      type: 'proxmox_virtual_environment_vm',
      name: 'db',
      change: { actions, before, after },
    },
  ],
});
const DISKS = [
  { interface: 'scsi0', size: 32 },
  { interface: 'scsi1', size: 100 },
];

describe('protection cannot be dropped quietly', () => {
  it('unprotect in one merge, replace in the next: the second is refused without Allow-Destroy', () => {
    const { r } = repo();
    r.edit('vms', (t) =>
      t.replace('    ha: true\n    protected: true\n  - name: runner', '    ha: true\n  - name: runner'),
    );
    const unprotected = r.commit('db is no longer special');
    // Deployed: the flag went from true to false in place; that update alone is refused too.
    const flagOff = vmChange(
      ['update'],
      { protection: true, disk: DISKS },
      { protection: false, disk: DISKS },
    );
    expect(gate(r, `${unprotected}~1`, flagOff).out).toMatch(
      /unprotect\s+proxmox_virtual_environment_vm\.db/,
    );
    // Or both merges deployed together: db was protected at the deployed revision, so the replace is refused.
    r.edit('vms', (t) => t.replace('id: 104\n    cores: 4', 'id: 104\n    cores: 8'));
    r.commit('Rebuild db bigger');
    const replace = vmChange(
      ['delete', 'create'],
      { protection: false, disk: DISKS },
      { protection: false, disk: DISKS },
    );
    const run = gate(r, `${unprotected}~1`, replace);
    expect(run.status).toBe(1);
    expect(run.out).toMatch(
      /replace\s+proxmox_virtual_environment_vm\.db\s+\(protected VM db at the deployed revision [0-9a-f]{7}\)/,
    );
  });

  it('removing or shrinking the data disk of a protected VM is refused; the trailer allows it', () => {
    const { r, base } = repo();
    r.commit('Drop the data disk');
    const removed = vmChange(
      ['update'],
      { protection: true, disk: DISKS },
      { protection: true, disk: [DISKS[0]] },
    );
    const run = gate(r, base, removed);
    expect(run.status).toBe(1);
    expect(run.out).toMatch(/shrink\s+proxmox_virtual_environment_vm\.db/);
    const shrunk = vmChange(
      ['update'],
      { protection: true, disk: DISKS },
      { protection: true, disk: [DISKS[0], { interface: 'scsi1', size: 50 }] },
    );
    expect(gate(r, base, shrunk).status).toBe(1);
    const grown = vmChange(
      ['update'],
      { protection: true, disk: DISKS },
      { protection: true, disk: [DISKS[0], { interface: 'scsi1', size: 200 }] },
    );
    expect(gate(r, base, grown).status).toBe(0);
    r.commit(`Data moved to db2\n\nAllow-Destroy: cluster-ceph/${DB}`);
    expect(gate(r, base, removed).status).toBe(0);
  });
});
