// What the certificate model derives on the fixture organisations: names per TLS-terminating VM, the primary's
// least-privilege ACLs, certbot's files, the deploy hook, and that the TSIG secret never reaches cloud-init.
// The real issuance (pebble, knotd, certbot, nginx) is test/certificates.acme.test.ts.
import { spawnSync } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { ANSIBLE_YAML_TAGS } from '../baseline/ansible-text.ts';
import { renderPlaybook } from '../baseline/ansible.ts';
import {
  acmeSecrets,
  CERTBOT_CONFIG,
  CERTBOT_CREDENTIALS,
  certificatesPart,
  DEPLOY_HOOK,
  deployHook,
  vmCertificates,
} from '../baseline/certificates.ts';
import { renderCloudConfig } from '../baseline/cloud-config.ts';
import { knotPart } from '../baseline/knot.ts';
import { convergeModel } from '../baseline/vm-model.ts';
import { formatFinding } from '../inventory/findings.ts';
import { LETS_ENCRYPT } from '../inventory/org.schema.ts';
import { deriveModel } from '../model/derive.ts';
import { loadInventory } from '../model/load.ts';
import { validInventory, vmNamed } from './helpers/inventories.ts';
import { removeVariants, variantDir, WITH_SERVICES } from './helpers/variant.ts';

const dnsOrg = deriveModel(validInventory('test/fixtures/dns/org'));
const servicesOrg = deriveModel(validInventory(WITH_SERVICES));
const vm = (model: typeof dnsOrg, name: string): ReturnType<typeof vmNamed> => vmNamed(model.inventory, name);
afterAll(removeVariants);

describe('which names each VM needs a certificate for', () => {
  it('gives both proxies of a pair the same names, each served by nginx', () => {
    const one = vmCertificates(servicesOrg, vm(servicesOrg, 'proxy1'));
    const two = vmCertificates(servicesOrg, vm(servicesOrg, 'proxy2'));
    expect(one.length).toBeGreaterThan(0);
    expect(two).toEqual(one);
    for (const c of one) expect(c.consumers).toEqual(['nginx']);
  });

  it('gives mail its own name for Postfix and Dovecot, and XMPP its domain for Prosody', () => {
    expect(vmCertificates(dnsOrg, vm(dnsOrg, 'mail'))).toEqual([
      {
        name: 'mail.test.example.org',
        consumers: ['dovecot', 'postfix'],
        kinds: ['mail'],
        zone: 'test.example.org',
      },
    ]);
    expect(vmCertificates(dnsOrg, vm(dnsOrg, 'chat'))).toEqual([
      { name: 'test.example.org', consumers: ['prosody'], kinds: ['prosody'], zone: 'test.example.org' },
    ]);
    expect(vmCertificates(dnsOrg, vm(dnsOrg, 'git'))).toEqual([]);
    expect(vmCertificates(dnsOrg, vm(dnsOrg, 'ns1'))).toEqual([]);
  });
});

describe('the ACME secrets the store must hold', () => {
  it('names one per TLS-terminating VM, and none without a primary of ours', () => {
    expect(acmeSecrets(dnsOrg)).toEqual(['vm/chat/acme-tsig', 'vm/mail/acme-tsig', 'vm/proxy1/acme-tsig']);
    expect(acmeSecrets(servicesOrg)).toEqual([]);
  });
});

describe("the primary's ACME keys", () => {
  const files = knotPart(dnsOrg, vm(dnsOrg, 'ns1'))?.files ?? [];
  const conf = files.find((f) => f.path === '/etc/knot/knot.conf')?.content ?? '';

  it('lets each key update only TXT at exactly _acme-challenge.<its names>', () => {
    expect(conf).toContain(
      [
        '  - id: acme-proxy1',
        '    key: acme-proxy1',
        '    action: update',
        '    update-type: [ TXT ]',
        '    update-owner: name',
        '    update-owner-match: equal',
        '    update-owner-name: [ _acme-challenge.code.test.example.org. ]',
      ].join('\n'),
    );
    expect(conf).toContain('include: /etc/knot/keys/acme-proxy1.conf');
  });

  it('writes each key file from the store only through the playbook, never through cloud-init', () => {
    const key = files.find((f) => f.path === '/etc/knot/keys/acme-mail.conf');
    expect(key).toMatchObject({ secret: true, permissions: '0640', owner: 'root:knot' });
    expect(key?.content).toContain("secret: {{ secrets['vm/mail/acme-tsig'] }}");
    const first = renderCloudConfig(dnsOrg, vm(dnsOrg, 'ns1'));
    const written = (parse(first) as { write_files: { path: string }[] }).write_files.map((f) => f.path);
    expect(written).toContain('/etc/knot/knot.conf');
    expect(written).not.toContain('/etc/knot/keys/acme-mail.conf');
    expect(first).not.toContain('secrets[');
    expect(first).toContain('include: /etc/knot/keys/acme-mail.conf');
  });

  it('marks every task that writes a secret no_log, and only those read a template', () => {
    for (const name of ['ns1', 'proxy1', 'mail']) {
      const play = parse(renderPlaybook(convergeModel(dnsOrg, vm(dnsOrg, name))), {
        customTags: ANSIBLE_YAML_TAGS,
      }) as {
        tasks: { name: string; no_log?: boolean; 'ansible.builtin.copy'?: { content: string } }[];
      }[];
      const tasks = play[0]!.tasks;
      const templated = tasks.filter((t) => t['ansible.builtin.copy']?.content.includes('{{ secrets['));
      expect(templated.length, name).toBeGreaterThan(0);
      for (const t of templated) expect(t.no_log, t.name).toBe(true);
      for (const t of tasks.filter((t) => t.no_log))
        expect(
          templated.map((x) => x.name),
          `${name}: ${t.name}`,
        ).toContain(t.name);
    }
  });
});

describe("certbot's files on a TLS-terminating VM", () => {
  const part = certificatesPart(dnsOrg, vm(dnsOrg, 'proxy1'));
  const file = (path: string): string => part?.files?.find((f) => f.path === path)?.content ?? '';

  it("uses Let's Encrypt by default, DNS-01 through the primary with the VM's own key", () => {
    expect(file(CERTBOT_CONFIG)).toContain(`server = ${LETS_ENCRYPT}\n`);
    expect(file(CERTBOT_CONFIG)).toContain('authenticator = dns-rfc2136\n');
    expect(file(CERTBOT_CONFIG)).toContain(`dns-rfc2136-credentials = ${CERTBOT_CREDENTIALS}\n`);
    expect(file(CERTBOT_CREDENTIALS)).toContain('dns_rfc2136_server = 2001:db8:1::53\n');
    expect(file(CERTBOT_CREDENTIALS)).toContain('dns_rfc2136_name = acme-proxy1\n');
    expect(file(CERTBOT_CREDENTIALS)).toContain('dns_rfc2136_algorithm = HMAC-SHA256\n');
    expect(part?.files?.find((f) => f.path === CERTBOT_CREDENTIALS)).toMatchObject({
      permissions: '0600',
      secret: true,
    });
    expect(part?.packages).toEqual(['certbot', 'python3-certbot-dns-rfc2136']);
    expect(part?.convergeOnly).toBe(true);
  });

  it('issues each name once with the deploy hook on the command, so the first issuance runs it too', () => {
    expect(part?.once).toEqual([
      {
        name: 'Certificate for code.test.example.org by ACME DNS-01',
        argv: [
          'certbot',
          'certonly',
          '--cert-name',
          'code.test.example.org',
          '--domain',
          'code.test.example.org',
          '--deploy-hook',
          DEPLOY_HOOK,
        ],
        creates: '/etc/letsencrypt/live/code.test.example.org/fullchain.pem',
      },
    ]);
  });

  it('takes the ACME directory, contact and CAA issuer from org.yaml', () => {
    const dir = variantDir(
      [
        {
          file: 'org.yaml',
          path: ['acme'],
          value: {
            directory: 'https://acme.example.net/directory',
            contact: 'hostmaster@test.example.org',
            caa: 'example.net',
          },
        },
      ],
      'test/fixtures/dns/org',
    );
    const model = deriveModel(validInventory(dir));
    const cli = certificatesPart(model, vm(model, 'proxy1'))?.files?.find((f) => f.path === CERTBOT_CONFIG);
    expect(cli?.content).toContain('server = https://acme.example.net/directory\n');
    expect(cli?.content).toContain('email = hostmaster@test.example.org\n');
    expect(cli?.content).not.toContain('register-unsafely-without-email');
    const caa = model.dns.zones.flatMap((z) => z.sets).find((s) => s.type === 'CAA');
    expect(caa?.values).toEqual(['0 issue "example.net"']);
  });

  it('reports a bad ACME directory or contact as one located line each', () => {
    const dir = variantDir([
      {
        file: 'org.yaml',
        path: ['acme'],
        value: { directory: 'http://acme.example.net/dir', contact: 'not mail' },
      },
    ]);
    const lines = loadInventory(dir).errors.map(formatFinding);
    expect(lines).toEqual([
      `${dir}/org.yaml:13:14  acme.directory  "http://acme.example.net/dir" is not a https:// URL`,
      `${dir}/org.yaml:14:12  acme.contact  "not mail" is not a mail address; expected something like hostmaster@example.org`,
    ]);
  });
});

describe('the deploy hook', () => {
  it('hands each name to its programs and is valid sh', () => {
    const hook = deployHook(vmCertificates(dnsOrg, vm(dnsOrg, 'mail')));
    expect(hook.startsWith('#!/bin/sh\n')).toBe(true);
    expect(hook).toContain("  'mail.test.example.org')\n    reload dovecot\n    reload postfix\n    ;;");
    const check = spawnSync('sh', ['-n'], { input: hook, encoding: 'utf8' });
    expect(check.status, check.stderr).toBe(0);
  });

  it('copies the proxy certificates where the generated nginx virtual hosts read them', () => {
    const proxy = convergeModel(dnsOrg, vm(dnsOrg, 'proxy1'));
    const hook = proxy.files.find((f) => f.path === DEPLOY_HOOK)?.content ?? '';
    expect(hook).toContain(
      `  'code.test.example.org')\n    copy "/etc/nginx/certs/$name" root 0700 0600\n    nginx -t\n`,
    );
    const vhost = proxy.files.find((f) => f.path === '/etc/nginx/conf.d/site-code.test.example.org.conf');
    expect(vhost?.content).toContain('ssl_certificate /etc/nginx/certs/code.test.example.org/fullchain.pem;');
    expect(vhost?.content).not.toContain('acme-challenge');
  });

  it('is the same text for the same inventory', () => {
    const again = deriveModel(validInventory('test/fixtures/dns/org'));
    expect(renderPlaybook(convergeModel(again, vm(again, 'ns1')))).toBe(
      renderPlaybook(convergeModel(dnsOrg, vm(dnsOrg, 'ns1'))),
    );
  });
});
