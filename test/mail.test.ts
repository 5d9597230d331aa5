// The mail server and the relay as the model makes them: DNS records, mailboxes and their secrets, what
// reaches the playbook and cloud-init (never a password), relay networks, nullmailer on the other VMs.
import { createPrivateKey, createPublicKey } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { ANSIBLE_YAML_TAGS } from '../baseline/ansible-text.ts';
import { renderAnsible } from '../baseline/ansible.ts';
import { renderCloudConfig } from '../baseline/cloud-config.ts';
import { dovecotHash } from '../baseline/mail.ts';
import { secretVarsFile } from '../baseline/secret-vars.ts';
import { secretFiles } from '../baseline/secret-files.ts';
import { convergeModel } from '../baseline/vm-model.ts';
import { formatFinding } from '../inventory/findings.ts';
import { freshValue, rsaPublicKey } from '../members/secrets-store.ts';
import { deriveModel } from '../model/derive.ts';
import { loadInventory } from '../model/load.ts';
import { secretKey, secretNeeds } from '../model/secret-needs.ts';
import { serviceDnsRecords } from '../services/dns.ts';
import { validInventory, vmNamed } from './helpers/inventories.ts';
import { DKIM_SELECTOR, MAIL_DOMAIN, MAIL_VM, mailOrg } from './helpers/mail-org.ts';

const work = mkdtempSync(join(tmpdir(), 'mail-model-'));
const org = mailOrg(work);
const model = deriveModel(validInventory(org.inventory));
const mailVm = vmNamed(model.inventory, MAIL_VM);
const scope = `service/mail-${MAIL_VM}`;

afterAll(() => rmSync(work, { recursive: true, force: true }));

const fileOf = (vm: string, path: string): string | undefined =>
  convergeModel(model, vmNamed(model.inventory, vm)).files.find((f) => f.path === path)?.content;

describe('the mail server from the model', () => {
  it('publishes MX, SPF, DMARC and the DKIM key of vms.yaml for the mail domain', () => {
    const records = serviceDnsRecords(model.services).map((r) => `${r.name} ${r.type} ${r.value}`);
    expect(records).toEqual(
      expect.arrayContaining([
        `${MAIL_DOMAIN} MX 10 mail.${MAIL_DOMAIN}`,
        `${MAIL_DOMAIN} TXT v=spf1 mx -all`,
        `_dmarc.${MAIL_DOMAIN} TXT v=DMARC1; p=quarantine; rua=mailto:postmaster@${MAIL_DOMAIN}`,
        `${DKIM_SELECTOR}._domainkey.${MAIL_DOMAIN} TXT v=DKIM1; k=rsa; p=${org.dkimPublicKey}`,
      ]),
    );
  });

  it('gives each member at a mail domain a mailbox whose password is in the store, and Dovecot only its hash', () => {
    const keys = secretNeeds(model).map(secretKey);
    expect(keys.filter((k) => k.startsWith(`${scope}/`))).toEqual([
      `${scope}/dkim-key`,
      `${scope}/mailbox-ada`,
      `${scope}/mailbox-bob`,
      `${scope}/mailbox-cy`,
    ]);
    expect(fileOf(MAIL_VM, '/etc/postfix/mailboxes')).toContain(`bob@${MAIL_DOMAIN} bob@${MAIL_DOMAIN}\n`);
    const users = fileOf(MAIL_VM, '/etc/dovecot/users')!;
    expect(users).toContain(`ada@${MAIL_DOMAIN}:{{ secrets['${scope}/mailbox-ada.hash'] }}::::::`);
    const vars = parse(secretVarsFile(new Map([[`${scope}/mailbox-ada`, 'pw1']])), {
      customTags: ANSIBLE_YAML_TAGS,
    }) as {
      secrets: Record<string, string>;
    };
    expect(vars.secrets[`${scope}/mailbox-ada.hash`]).toBe(dovecotHash('pw1'));
    expect(dovecotHash('pw1')).toMatch(/^\{SSHA512\}[A-Za-z0-9+/]{107}=$/);
    expect(dovecotHash('pw1')).not.toBe(dovecotHash('pw2'));
  });

  it('sends postmaster, abuse and root mail to the members on call only', () => {
    const aliases = fileOf(MAIL_VM, '/etc/postfix/aliases')!;
    expect(aliases).toContain(`postmaster@${MAIL_DOMAIN} ada@${MAIL_DOMAIN}, cy@${MAIL_DOMAIN}\n`);
    expect(aliases).toContain(`root@mail.${MAIL_DOMAIN} ada@${MAIL_DOMAIN}, cy@${MAIL_DOMAIN}\n`);
    expect(aliases).not.toContain(`bob@`);
  });

  it('keeps mailbox passwords and the DKIM key out of cloud-init, the playbook and plain secret files', () => {
    const playbook = [...renderAnsible(model, [convergeModel(model, mailVm)]).values()].join('\n');
    const cloud = parse(renderCloudConfig(model, mailVm)) as { write_files: { path: string }[] };
    const written = cloud.write_files.map((f) => f.path);
    expect(written).toContain('/etc/dovecot/dovecot.conf');
    expect(written).not.toContain('/etc/dovecot/users');
    expect(written).not.toContain(`/etc/rspamd/dkim/${DKIM_SELECTOR}.key`);
    expect(playbook).not.toContain(org.dkimPrivateKey.split('\n')[1]);
    expect(playbook).toContain(`secrets['${scope}/mailbox-ada.hash']`);
    expect(playbook).not.toMatch(/secrets\['service\/mail-mail\/mailbox-ada'\]/);
    expect(secretFiles(model, mailVm).map((f) => f.key)).not.toEqual(
      expect.arrayContaining([`${scope}/mailbox-ada`]),
    );
    expect(secretFiles(model, mailVm).some((f) => f.key.endsWith('/dkim-key'))).toBe(false);
  });

  it("relays for the organisation's networks only, and checks the DKIM key against vms.yaml before using it", () => {
    const main = fileOf(MAIL_VM, '/etc/postfix/main.cf')!;
    const prefixes = model.inventory.networks
      .flatMap((n) => [n.ipv6, n.ipv4].flatMap((p) => (p ? [p.text] : [])))
      .map((p) => (p.includes(':') ? `[${p.replace('/', ']/')}` : p));
    expect(main).toContain(`mynetworks = 127.0.0.0/8 [::1]/128 ${prefixes.join(' ')}\n`);
    expect(main).toContain(
      'smtpd_relay_restrictions = permit_mynetworks, permit_sasl_authenticated, defer_unauth_destination\n',
    );
    const key = convergeModel(model, mailVm).files.find(
      (f) => f.path === `/etc/rspamd/dkim/${DKIM_SELECTOR}.key`,
    )!;
    expect(key.secret).toBe(true);
    expect(key.validate).toContain(org.dkimPublicKey);
  });

  it('hands the local mail of every other Debian VM to the relay with nullmailer, and leaves Postfix VMs alone', () => {
    const withRelay = model.inventory.vms.filter(
      (vm) => vm.os !== 'other' && convergeModel(model, vm).packages.includes('nullmailer'),
    );
    expect(withRelay.map((v) => v.name)).not.toContain(MAIL_VM);
    expect(withRelay.length).toBe(model.inventory.vms.filter((v) => v.os !== 'other').length - 1);
    expect(fileOf('git', '/etc/nullmailer/remotes')).toContain(
      `mail.${MAIL_DOMAIN} smtp --port=25 --starttls\n`,
    );
    expect(fileOf('git', '/etc/nullmailer/adminaddr')).toBe(`postmaster@${MAIL_DOMAIN}\n`);
    expect(fileOf('git', '/etc/mailname')).toBe(`git.${MAIL_DOMAIN}\n`);
    expect(convergeModel(model, mailVm).packages).not.toContain('nullmailer');
  });

  it('refuses a DKIM public key that is not one line of base64, located in vms.yaml', () => {
    const copy = mailOrg(mkdtempSync(join(work, 'bad-')));
    const vms = readFileSync(join(copy.inventory, 'vms.yaml'), 'utf8');
    writeFileSync(join(copy.inventory, 'vms.yaml'), vms.replace(copy.dkimPublicKey, '"v=DKIM1; p=abc"'));
    const result = loadInventory(copy.inventory);
    const errors = result.errors.map(formatFinding).join('\n');
    expect(result.inventory).toBeUndefined();
    expect(errors).toMatch(
      /vms\.yaml:\d+:\d+ +vms\[\d+\]\.services\[0\]\.dkim\.public_key +.* is not a DKIM public key/,
    );
  });

  it('makes DKIM keys whose public half is what vms.yaml takes', () => {
    const pem = freshValue('rsa-2048', 0);
    expect(createPrivateKey(pem).asymmetricKeyDetails?.modulusLength).toBe(2048);
    const pub = rsaPublicKey(pem);
    expect(
      createPublicKey({ key: Buffer.from(pub, 'base64'), format: 'der', type: 'spki' }).asymmetricKeyType,
    ).toBe('rsa');
    expect(pub).toMatch(/^[A-Za-z0-9+/]{200,2000}={0,2}$/);
  });
});
