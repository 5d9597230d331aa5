// pipeline:check's SSH rule: steps that apply snippet-uploading stacks get the SSH secrets and the pinned known_hosts.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { formatFinding } from '../inventory/findings.ts';
import { loadInventory } from '../model/load.ts';
import { checkPipelines, type ProjectFacts } from '../review/pipeline-check.ts';
import { appliesStacks } from '../review/pipeline-ssh.ts';
import { snippetStacks } from '../stacks/node-ssh.ts';

const ROOT = resolve(import.meta.dirname, '..');
const SCRIPTS = new Set(
  Object.keys(
    (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> })
      .scripts,
  ),
);
const FACTS: ProjectFacts = {
  scripts: SCRIPTS,
  hasLockfile: true,
  snippetStacks: ['cluster-a', 'cluster-b'],
};

const APPLY = `kind: pipeline
type: docker
name: deploy
trigger:
  event: [push]
steps:
  - name: apply
    image: hashicorp/terraform:1.11.4@sha256:abababababababababababababababababababababababababababababababab
    environment:
      PROXMOX_VE_API_TOKEN:
        from_secret: proxmox_ve_api_token
      PROXMOX_VE_SSH_USERNAME:
        from_secret: proxmox_ve_ssh_username
      PROXMOX_VE_SSH_PRIVATE_KEY:
        from_secret: proxmox_ve_ssh_private_key
    commands:
      - install -m 600 cdktf.out/artifacts/ssh/proxmox_known_hosts ~/.ssh/known_hosts
      - terraform -chdir=cdktf.out/stacks/cluster-a apply -input=false plan.tfplan
`;

function check(yaml: string, facts: ProjectFacts = FACTS): string[] {
  return checkPipelines(yaml, '.drone.yml', facts).findings.map(formatFinding);
}

const NEEDS = 'applies stacks that upload cloud-init snippets over SSH (cluster-a, cluster-b)';

describe('pipeline:check for SSH to the Proxmox nodes', () => {
  it('passes the real .drone.yml for the stacks of the example inventory', () => {
    const inventory = loadInventory(join(ROOT, 'inventory')).inventory!;
    const stacks = snippetStacks(inventory);
    expect(stacks.length).toBeGreaterThan(0);
    const text = readFileSync(join(ROOT, '.drone.yml'), 'utf8');
    expect(check(text, { ...FACTS, snippetStacks: stacks })).toEqual([]);
  });

  it('passes an applying step with both secrets and the known_hosts artifact', () => {
    expect(check(APPLY)).toEqual([]);
  });

  it('finds an applying step without the SSH private key, at its environment', () => {
    const yaml = APPLY.replace(
      '      PROXMOX_VE_SSH_PRIVATE_KEY:\n        from_secret: proxmox_ve_ssh_private_key\n',
      '',
    );
    expect(check(yaml)).toEqual([
      `.drone.yml:9:5  deploy.steps[0].environment  step "apply" ${NEEDS} but has no PROXMOX_VE_SSH_PRIVATE_KEY; expected "PROXMOX_VE_SSH_PRIVATE_KEY: { from_secret: proxmox_ve_ssh_private_key }"`,
    ]);
  });

  it('finds an SSH username written inline instead of from a secret, at that variable', () => {
    const yaml = APPLY.replace(
      '      PROXMOX_VE_SSH_USERNAME:\n        from_secret: proxmox_ve_ssh_username\n',
      '      PROXMOX_VE_SSH_USERNAME: terraform\n',
    );
    expect(check(yaml)).toEqual([
      `.drone.yml:12:32  deploy.steps[0].environment.PROXMOX_VE_SSH_USERNAME  step "apply" ${NEEDS} but writes PROXMOX_VE_SSH_USERNAME inline; expected "PROXMOX_VE_SSH_USERNAME: { from_secret: proxmox_ve_ssh_username }"`,
    ]);
  });

  it('accepts the secrets from the pipeline-wide environment', () => {
    const yaml = APPLY.replace(
      'steps:\n',
      'environment:\n  PROXMOX_VE_SSH_USERNAME:\n    from_secret: u\n  PROXMOX_VE_SSH_PRIVATE_KEY:\n    from_secret: k\nsteps:\n',
    ).replace(
      '      PROXMOX_VE_SSH_USERNAME:\n        from_secret: proxmox_ve_ssh_username\n      PROXMOX_VE_SSH_PRIVATE_KEY:\n        from_secret: proxmox_ve_ssh_private_key\n',
      '',
    );
    expect(check(yaml)).toEqual([]);
  });

  it('finds an applying step that never installs the pinned known_hosts', () => {
    const yaml = APPLY.replace(
      '      - install -m 600 cdktf.out/artifacts/ssh/proxmox_known_hosts ~/.ssh/known_hosts\n',
      '',
    );
    expect(check(yaml)).toEqual([
      `.drone.yml:16:5  deploy.steps[0].commands  step "apply" ${NEEDS} but never installs cdktf.out/artifacts/ssh/proxmox_known_hosts; expected it copied to ~/.ssh/known_hosts before terraform runs, else the provider trusts the nodes' keys on first use`,
    ]);
  });

  it('finds host key checking turned off in any step, applying or not', () => {
    const yaml = APPLY.replace(
      '      - terraform -chdir',
      '      - ssh -o StrictHostKeyChecking=no root@pve1 true\n      - terraform -chdir',
    );
    expect(check(yaml)).toEqual([
      '.drone.yml:18:9  deploy.steps[0].commands[1]  step "apply": turns SSH host key checking off; expected the pinned keys of cdktf.out/artifacts/ssh/proxmox_known_hosts',
    ]);
  });

  it('asks nothing of an applying step when no stack uploads snippets, nor of a step that only plans', () => {
    const bare = APPLY.replace(/ {6}PROXMOX_VE_SSH_[\s\S]*?proxmox_ve_ssh_private_key\n/, '');
    expect(bare).not.toContain('PROXMOX_VE_SSH');
    expect(check(bare, { ...FACTS, snippetStacks: [] })).toEqual([]);
    expect(check(bare.replace('apply -input=false plan.tfplan', 'plan -input=false'))).toEqual([]);
  });

  it('recognises the commands that apply', () => {
    expect(appliesStacks(['terraform -chdir="$dir" apply -input=false plan.tfplan'])).toBe(true);
    expect(appliesStacks(['if tofu -chdir=x apply plan; then echo ok; fi'])).toBe(true);
    expect(appliesStacks(['npx cdktf deploy cluster-a --auto-approve'])).toBe(true);
    expect(
      appliesStacks(['terraform -chdir=x plan -out=plan.tfplan', 'terraform show -json plan.tfplan']),
    ).toBe(false);
    expect(appliesStacks(['echo "apply exactly the plan"'])).toBe(false);
  });
});

describe('npm run pipeline:check', () => {
  const dir = mkdtempSync(join(tmpdir(), 'pipeline-ssh-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('reads the snippet stacks from the inventory and fails a deploy without the SSH secrets', () => {
    const file = join(dir, '.drone.yml');
    writeFileSync(
      file,
      readFileSync(join(ROOT, '.drone.yml'), 'utf8').replace(
        /\n {6}PROXMOX_VE_SSH_PRIVATE_KEY:\n {8}from_secret: proxmox_ve_ssh_private_key/,
        '',
      ),
    );
    const run = spawnSync(
      process.execPath,
      ['--import', 'tsx', 'cli/pipeline-check.ts', file, '--package', join(ROOT, 'package.json')],
      { cwd: ROOT, encoding: 'utf8' },
    );
    expect(run.status).toBe(1);
    expect(run.stdout).toMatch(
      /step "apply" applies stacks that upload cloud-init snippets over SSH \(cluster-/,
    );
    expect(run.stdout).toMatch(/has no PROXMOX_VE_SSH_PRIVATE_KEY/);
  });
});
