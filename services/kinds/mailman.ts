// Mailman 3: the mailing lists (core, Postorius and HyperKitty), receiving list mail with its own Postfix.
import { portRange } from '../../inventory/ports.ts';
import { defineKind } from '../types.ts';
import { listParam, localPort, mailPolicy } from './_helpers.ts';

export const mailman = defineKind({
  kind: 'mailman',
  title: 'Mailman 3 (mailing lists, Postorius, HyperKitty)',
  notes:
    'Debian packages mailman3-full (core, mailman3-web with Postorius and HyperKitty) and Postfix, which hands ' +
    'list mail to Mailman over LMTP on localhost:8024. The web UI runs under uwsgi behind nginx on the VM.',
  size: { cores: 4, memory: 8, disk: 32 },
  ports: [
    {
      proto: 'tcp',
      port: portRange(25),
      reach: 'public',
      ipv4: true,
      purpose: 'SMTP for the list domains (Postfix)',
    },
    {
      proto: 'tcp',
      port: portRange(80),
      reach: 'proxy',
      purpose: 'Postorius and HyperKitty (behind the proxy)',
    },
  ],
  web: { port: 80, tls: 'proxy', defaultName: 'lists', health: { path: '/mailman3/' } },
  // `domain`: the web interface; `list_domains`: the domains lists live in, whose MX is this VM.
  params: ['domain', 'aliases', 'list_domains', 'db'],
  names: (ctx) => [ctx.fqdn],
  certificate: { consumers: ['postfix'] },
  sendsMailFor: (ctx) => listParam(ctx, 'list_domains'),
  dns: (ctx) =>
    listParam(ctx, 'list_domains').flatMap((domain) => [
      { name: domain, type: 'MX' as const, value: `10 ${ctx.fqdn}` },
      ...mailPolicy(domain),
    ]),
  checks: (ctx) => [
    { type: 'smtp', name: 'smtp', port: 25 },
    { type: 'tls', name: 'smtp certificate', host: ctx.fqdn, port: 25, starttls: 'smtp' },
    localPort('mailman core REST API', 8001),
    localPort('mailman LMTP', 8024),
  ],
  backup: {
    paths: ['/etc/mailman3', '/var/lib/mailman3', '/etc/postfix'],
    databases: [
      { name: 'mailman', user: 'mailman' },
      { name: 'mailmanweb', user: 'mailman' },
    ],
  },
  packages: ['mailman3-full', 'postfix', 'nginx'],
  user: 'list',
  dependsOn: ['postgresql'],
});
