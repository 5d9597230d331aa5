// The service catalog: every kind of service the inventory may run, by the name vms.yaml uses.
import { accounts } from './kinds/accounts.ts';
import { aptCache } from './kinds/apt-cache.ts';
import { bigbluebutton } from './kinds/bigbluebutton.ts';
import { borgRepo } from './kinds/borg-repo.ts';
import { collabora } from './kinds/collabora.ts';
import { coturn } from './kinds/coturn.ts';
import { dnsPrimary } from './kinds/dns-primary.ts';
import { dnsSecondary } from './kinds/dns-secondary.ts';
import { droneRunner } from './kinds/drone-runner.ts';
import { droneServer } from './kinds/drone-server.ts';
import { etherpad } from './kinds/etherpad.ts';
import { gitea } from './kinds/gitea.ts';
import { icinga2Master } from './kinds/icinga2-master.ts';
import { icinga2Satellite } from './kinds/icinga2-satellite.ts';
import { jitsiMeet } from './kinds/jitsi-meet.ts';
import { jitsiVideobridge } from './kinds/jitsi-videobridge.ts';
import { mail } from './kinds/mail.ts';
import { mailman } from './kinds/mailman.ts';
import { moinmoin } from './kinds/moinmoin.ts';
import { mumble } from './kinds/mumble.ts';
import { nextcloud } from './kinds/nextcloud.ts';
import { nginxProxy } from './kinds/nginx-proxy.ts';
import { peertube } from './kinds/peertube.ts';
import { peertubeRunner } from './kinds/peertube-runner.ts';
import { postgresql } from './kinds/postgresql.ts';
import { prosody } from './kinds/prosody.ts';
import { sftpDrop } from './kinds/sftp-drop.ts';
import { sshJump } from './kinds/ssh-jump.ts';
import { staticWeb } from './kinds/static-web.ts';
import { statusPage } from './kinds/status-page.ts';
import { synapse } from './kinds/synapse.ts';
import type { ServiceKind } from './types.ts';

const KINDS: readonly ServiceKind[] = [
  accounts,
  aptCache,
  bigbluebutton,
  borgRepo,
  collabora,
  coturn,
  dnsPrimary,
  dnsSecondary,
  droneRunner,
  droneServer,
  etherpad,
  gitea,
  icinga2Master,
  icinga2Satellite,
  jitsiMeet,
  jitsiVideobridge,
  mail,
  mailman,
  moinmoin,
  mumble,
  nextcloud,
  nginxProxy,
  peertube,
  peertubeRunner,
  postgresql,
  prosody,
  sftpDrop,
  sshJump,
  staticWeb,
  statusPage,
  synapse,
];

/** Every kind, by name. */
export const CATALOG: ReadonlyMap<string, ServiceKind> = new Map(KINDS.map((k) => [k.kind, k]));

/** The kind that terminates TLS for the web services of its site. */
export const PROXY_KIND = 'nginx-proxy';
/** Kinds whose VMs run the monitoring checks. */
export const MONITORING_KINDS = ['icinga2-master', 'icinga2-satellite'] as const;
/** Kinds maintainers log in through. */
export const JUMP_KIND = 'ssh-jump';
/** Kinds that hold the backups of the others. */
export const BACKUP_REPO_KIND = 'borg-repo';
export const DATABASE_KIND = 'postgresql';
