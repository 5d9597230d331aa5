// PeerTube from its pinned release: production.yaml from the model and the store (webserver, PostgreSQL, Redis,
// its secret, mail through the relay, storage), its dependencies once per version, a hardened unit, and the
// remote runners' registration token from the store made known to PeerTube.
import { Document, Scalar } from 'yaml';
import type { ReleaseApp } from '../services/types.ts';
import { type AppFacts, appSecretKey } from './app-facts.ts';
import { StoreValue } from './app-text.ts';
import { type ConvergeCommand, GENERATED_NOTE, type Part, secretRef, sh, shellWord } from './parts.ts';
import { releaseAppPart, releaseRoot } from './releases.ts';

export const PEERTUBE = 'peertube';
/** NODE_CONFIG_DIR: the upstream's default.yaml (copied per version), ours, and what the admin UI saves. */
export const PEERTUBE_CONFIG_DIR = '/etc/peertube';
export const PEERTUBE_STORAGE = '/var/lib/peertube/storage';
const DATA = '/var/lib/peertube';
/** The store secret the runners register with; model/secret-needs.ts shares it with the runner VMs. */
export const RUNNER_TOKEN = 'runner-registration-token';

/** The storage directories production.yaml.example lists, each under PEERTUBE_STORAGE. */
export const PEERTUBE_STORAGE_KEYS = [
  'tmp',
  'tmp_persistent',
  'bin',
  'avatars',
  'web_videos',
  'streaming_playlists',
  'original_video_files',
  'redundancy',
  'logs',
  'previews',
  'thumbnails',
  'storyboards',
  'torrents',
  'captions',
  'cache',
  'plugins',
  'well_known',
  'client_overrides',
] as const;

/** The release zip keeps its top directory, `peertube-v<version>/`; the server is dist/server.js in it. */
export function peertubeHome(version: string): string {
  return `peertube-v${version.replace(/^v/, '')}`;
}

/** How one version runs: Node from Debian, NODE_CONFIG_DIR with default.yaml and production.yaml. */
export function peertubeApp(version: string): ReleaseApp {
  return {
    user: 'peertube',
    dataDir: DATA,
    interpreter: '/usr/bin/node',
    program: `${peertubeHome(version)}/dist/server.js`,
    args: [],
    workingDirectory: peertubeHome(version),
    environment: ['NODE_ENV=production', `NODE_CONFIG_DIR=${PEERTUBE_CONFIG_DIR}`],
    // The admin UI saves its settings as local-production.json beside production.yaml.
    writable: [PEERTUBE_CONFIG_DIR],
  };
}

type Yaml =
  string | number | boolean | null | StoreValue | readonly Yaml[] | { readonly [key: string]: Yaml };

/** The settings of production.yaml, as production.yaml.example of the pinned release names them. */
export function peertubeSettings(facts: AppFacts, port: number): Record<string, Yaml> {
  const db = facts.database;
  const hostname = facts.webNames[0] ?? facts.instance.ctx.fqdn;
  const from = `peertube@${facts.domain}`;
  return {
    listen: { hostname: '::', port },
    webserver: { https: true, hostname, port: 443 },
    secrets: { peertube: new StoreValue(appSecretKey(facts, 'secret')) },
    trust_proxy: ['loopback', ...facts.proxies],
    ...(db
      ? {
          database: {
            hostname: db.host,
            port: db.port,
            ssl: false,
            suffix: '_prod',
            name: db.name,
            username: db.user,
            password: new StoreValue(db.passwordKey),
            pool: { max: 5 },
          },
        }
      : {}),
    redis: { hostname: '127.0.0.1', port: 6379, auth: null, db: 0 },
    smtp: {
      transport: 'smtp',
      hostname: facts.mailHost ?? null,
      port: 25,
      username: null,
      password: null,
      tls: false,
      disable_starttls: false,
      ca_file: null,
      from_address: from,
    },
    storage: Object.fromEntries(
      PEERTUBE_STORAGE_KEYS.map((k) => [k, `${PEERTUBE_STORAGE}/${k.replaceAll('_', '-')}/`]),
    ),
    admin: { email: from },
  };
}

/** production.yaml by the yaml library; store values double-quoted, so `ref`'s text stays one string. */
export function peertubeConfig(
  facts: AppFacts,
  port: number,
  ref: (key: string) => string = secretRef,
): string {
  const place = (value: Yaml): unknown => {
    if (value instanceof StoreValue) {
      const scalar = new Scalar(ref(value.key));
      scalar.type = Scalar.QUOTE_DOUBLE;
      return scalar;
    }
    if (Array.isArray(value)) return value.map(place);
    if (value !== null && typeof value === 'object')
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, place(v as Yaml)]));
    return value;
  };
  const doc = new Document(place(peertubeSettings(facts, port)));
  doc.commentBefore = ` ${GENERATED_NOTE}`;
  return doc.toString({ lineWidth: 0 });
}

/**
 * Prepares one version once: its Node dependencies (`yarn install --production --pure-lockfile`, as the
 * upstream's guide, with Debian's yarnpkg) and the upstream's default.yaml beside production.yaml.
 */
export function peertubePrepare(version: string): ConvergeCommand {
  const home = `${releaseRoot(PEERTUBE)}/${version}/${peertubeHome(version)}`;
  const defaults = `${PEERTUBE_CONFIG_DIR}/default.yaml`;
  const script = [
    `cd ${shellWord(home)} || exit 1`,
    '[ -d node_modules ] || { yarnpkg install --production --pure-lockfile --non-interactive >/dev/null && echo dependencies installed; } || exit 1',
    `cmp -s config/default.yaml ${defaults} || { install -m 0644 config/default.yaml ${defaults} && echo default.yaml updated; }`,
  ];
  return {
    name: `Prepare PeerTube ${version} (dependencies, default.yaml) once`,
    argv: sh(script.join('\n')),
  };
}

/** The variables the token insertion reads from the store (the task runs with no_log). */
const TOKEN_ENV = 'INFRA_RUNNER_TOKEN';

/**
 * Makes the runners' registration token from the store one PeerTube accepts: a row of its
 * runnerRegistrationToken table, added once PeerTube made the table (its first start) and only while it is
 * missing. psql prints the RETURNING row only then, which is how the task reports a change.
 */
export function runnerTokenCommand(facts: AppFacts): ConvergeCommand | undefined {
  const db = facts.database;
  if (!db) return undefined;
  const table = '"runnerRegistrationToken"';
  const sql = [
    `\\getenv token ${TOKEN_ENV}`,
    `SELECT format('INSERT INTO ${table} ("registrationToken", "createdAt", "updatedAt") SELECT %L, now(), now() WHERE NOT EXISTS (SELECT FROM ${table} WHERE "registrationToken" = %L) RETURNING ''registered''', :'token', :'token') WHERE to_regclass('public.${table}') IS NOT NULL \\gexec`,
    '',
  ].join('\n');
  return {
    name: `Register the runners' token with PeerTube (${facts.instance.label})`,
    argv: [
      'psql',
      '-X',
      '-q',
      '-t',
      '-A',
      '-v',
      'ON_ERROR_STOP=1',
      `host=${db.host} port=${db.port} dbname=${db.name} user=${db.user}`,
    ],
    stdin: sql,
    secretEnv: { PGPASSWORD: db.passwordKey, [TOKEN_ENV]: appSecretKey(facts, RUNNER_TOKEN) },
  };
}

/** PeerTube on its VM: the release with its unit, production.yaml (secret), storage, dependencies, the token. */
export function peertubeParts(facts: AppFacts): Part[] {
  const app = peertubeApp(facts.release.version);
  const owner = `${app.user}:${app.user}`;
  const token = runnerTokenCommand(facts);
  return [
    releaseAppPart(PEERTUBE, app, facts.release),
    {
      name: `peertube: production.yaml and storage (${facts.instance.label})`,
      packages: ['yarnpkg'],
      directories: [
        { path: PEERTUBE_CONFIG_DIR, mode: '0750', owner },
        { path: PEERTUBE_STORAGE, mode: '0750', owner },
        ...PEERTUBE_STORAGE_KEYS.map((k) => ({
          path: `${PEERTUBE_STORAGE}/${k.replaceAll('_', '-')}`,
          mode: '0750',
          owner,
        })),
      ],
      files: [
        {
          path: `${PEERTUBE_CONFIG_DIR}/production.yaml`,
          content: peertubeConfig(facts, facts.instance.def.web!.port),
          permissions: '0640',
          owner: `root:${app.user}`,
          secret: true,
          reload: `restart release ${PEERTUBE}`,
        },
      ],
      commands: [peertubePrepare(facts.release.version), ...(token ? [token] : [])],
      convergeOnly: true,
    },
  ];
}
