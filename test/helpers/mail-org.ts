// A scratch organisation with a mail server: the services fixture (test/fixtures/services/good) plus the VM
// `mail` (mail domain test.example.org, DKIM with a throwaway key), two members with mailboxes there (ada on
// call, bob not), and a secrets store configuration, for the tests of the mail server and the relay.
import { generateKeyPairSync } from 'node:crypto';
import { appendFileSync, cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { throwawayKey } from './ssh-keys.ts';

export const MAIL_VM = 'mail';
export const MAIL_DOMAIN = 'test.example.org';
export const DKIM_SELECTOR = 's2026';

export interface MailOrg {
  readonly inventory: string;
  /** The DKIM key pair: the private PEM goes into the test's vars file, the public half is in vms.yaml. */
  readonly dkimPrivateKey: string;
  readonly dkimPublicKey: string;
}

const ROLES = `roles:
  - name: admin
    description: Everything, everywhere.
    ssh: all
    sudo: true
    secrets: all
    oncall: true
  - name: member
    description: A mailbox, no logins.
`;

/** Appends a VM of site one with one service, at `2001:db8:1::<host>` and `192.0.2.<host + 2>`. */
function appendVm(
  inventory: string,
  name: string,
  id: number,
  node: string,
  host: number,
  service: string,
): void {
  appendFileSync(
    join(inventory, 'vms.yaml'),
    `  - name: ${name}
    cluster: ceph
    node: ${node}
    id: ${id}
    cores: 2
    memory: 4
    os: debian-12
    disks: [{ storage: ceph-vm, size: 32 }]
    nics:
      - { network: one-public, ipv6: "2001:db8:1::${host}", ipv4: 192.0.2.${host + 2} }
    services:
      - ${service}
`,
  );
}

/** Builds the organisation under `work` (a per-run temp dir the caller removes). */
export function mailOrg(work: string): MailOrg {
  const inventory = join(work, 'inventory');
  cpSync('test/fixtures/services/good', inventory, { recursive: true });
  const pair = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const dkimPrivateKey = pair.privateKey.export({ type: 'pkcs8', format: 'pem' }) as string;
  const dkimPublicKey = pair.publicKey.export({ type: 'spki', format: 'der' }).toString('base64');
  appendVm(
    inventory,
    MAIL_VM,
    106,
    'node2',
    10,
    `{ kind: mail, dkim: { selector: ${DKIM_SELECTOR}, public_key: ${dkimPublicKey} } }`,
  );
  const pub = (name: string): string =>
    readFileSync(`${throwawayKey(work, name, `${name}@test`)}.pub`, 'utf8').trim();
  writeFileSync(join(inventory, 'roles.yaml'), ROLES);
  const member = (user: string, roles: string, sponsor: string): string => `  - user: ${user}
    name: ${user.toUpperCase()} Tester
    email: ${user}@${MAIL_DOMAIN}
    keys:
      - ${pub(user)}
    roles: ${roles}
    since: 2020-01-01
    sponsor: ${sponsor}
`;
  writeFileSync(
    join(inventory, 'members.yaml'),
    `members:\n${member('ada', '[admin, member]', 'cy')}${member('cy', '[admin, member]', 'ada')}${member('bob', '[member]', 'ada')}`,
  );
  appendFileSync(join(inventory, 'org.yaml'), `secrets:\n  deploy_key: ${pub('deploy')}\n`);
  return { inventory, dkimPrivateKey, dkimPublicKey };
}

export const LISTS_VM = 'lists';
export const LIST_DOMAIN = `lists.${MAIL_DOMAIN}`;

/** Adds the VM `lists` to a mail organisation: Mailman for `lists.test.example.org`, its databases on `db`. */
export function withMailman(org: MailOrg): MailOrg {
  appendVm(
    org.inventory,
    LISTS_VM,
    107,
    'node1',
    11,
    `{ kind: mailman, domain: mailman.${MAIL_DOMAIN}, list_domains: [${LIST_DOMAIN}], db: db }`,
  );
  return org;
}
