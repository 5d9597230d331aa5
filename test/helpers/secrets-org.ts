// A scratch organisation with a secrets store: the services fixture (test/fixtures/services/good) plus members
// whose keys and the deploy key are made by the real ssh-keygen, and roles that grant secrets three ways.
import { spawnSync } from 'node:child_process';
import { appendFileSync, cpSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { TSX } from './cli.ts';
import { throwawayKey } from './ssh-keys.ts';

export interface SecretsOrg {
  /** The inventory directory; the store is `secrets/` beside it. */
  readonly inventory: string;
  readonly store: string;
  /** Private key files by name: ada and dan (secrets: all), bob (gitea's), cy (the chat VM's), deploy. */
  readonly keys: Readonly<Record<'ada' | 'bob' | 'cy' | 'dan' | 'deploy', string>>;
}

const ROLES = `roles:
  - name: admin
    description: Everything, everywhere.
    ssh: all
    sudo: true
    secrets: all
  - name: forge
    description: Keeps the forge running.
    ssh: { vms: [git] }
    secrets: { services: [gitea] }
  - name: chat
    description: Keeps the chat VM running.
    ssh: { vms: [chat] }
    secrets: { vms: [chat] }
`;

function member(user: string, key: string, roles: string, sponsor: string): string {
  return `  - user: ${user}
    name: ${user.toUpperCase()} Tester
    email: ${user}@test.example.org
    keys:
      - ${key}
    roles: ${roles}
    since: 2020-01-01
    sponsor: ${sponsor}
`;
}

/** Builds the organisation under `work` (a per-run temp dir the caller removes). */
export function secretsOrg(work: string): SecretsOrg {
  const inventory = join(work, 'inventory');
  cpSync('test/fixtures/services/good', inventory, { recursive: true });
  mkdirSync(join(work, 'keys'));
  const path = (name: string): string => throwawayKey(join(work, 'keys'), name, `${name}@test`);
  const keys = {
    ada: path('ada'),
    bob: path('bob'),
    cy: path('cy'),
    dan: path('dan'),
    deploy: path('deploy'),
  };
  const pub = (name: keyof typeof keys): string => readFileSync(`${keys[name]}.pub`, 'utf8').trim();
  writeFileSync(join(inventory, 'roles.yaml'), ROLES);
  writeFileSync(
    join(inventory, 'members.yaml'),
    `members:\n${member('ada', pub('ada'), '[admin, forge, chat]', 'dan')}${member('dan', pub('dan'), '[admin, forge, chat]', 'ada')}${member('bob', pub('bob'), '[forge]', 'ada')}${member('cy', pub('cy'), '[chat]', 'ada')}`,
  );
  appendFileSync(join(inventory, 'org.yaml'), `secrets:\n  deploy_key: ${pub('deploy')}\n`);
  return { inventory, store: join(work, 'secrets'), keys };
}

/** Runs one of the project's commands; returns its exit status and everything it printed. */
export function command(
  script: string,
  args: readonly string[],
  env: Record<string, string> = {},
): { status: number; output: string } {
  const run = spawnSync(process.execPath, [...TSX, `cli/${script}.ts`, ...args], {
    encoding: 'utf8',
    env: { ...process.env, HOME: '/nonexistent', ...env },
  });
  return { status: run.status ?? 1, output: `${run.stdout}${run.stderr}` };
}

/** Decrypts one stored secret with a private key: its value, or undefined when the key cannot open it. */
export function tryDecrypt(file: string, key: string): string | undefined {
  const run = spawnSync('age', ['-d', '-i', key, file], { encoding: 'utf8' });
  return run.status === 0 ? run.stdout : undefined;
}
