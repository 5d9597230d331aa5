// Etherpad from its pinned release: settings.json from the model and the store (PostgreSQL, the admin, the
// proxies), its dependencies installed once per version, and a hardened unit.
import type { ReleaseApp } from '../services/types.ts';
import { type AppFacts, appSecretKey } from './app-facts.ts';
import { StoreValue } from './app-text.ts';
import { type ConvergeCommand, type Part, secretRef, sh, shellWord } from './parts.ts';
import { releaseAppPart, releaseRoot } from './releases.ts';

export const ETHERPAD = 'etherpad';
export const ETHERPAD_SETTINGS = '/etc/etherpad/settings.json';
const DATA = '/var/lib/etherpad';

/**
 * How the release runs: Node (Debian's) runs the TypeScript server through tsx from the release's `src/`, as the
 * upstream's `pnpm run prod` does, with the settings file given on the command line.
 */
export const ETHERPAD_APP: ReleaseApp = {
  user: 'etherpad',
  dataDir: DATA,
  interpreter: '/usr/bin/node --require tsx/cjs',
  program: 'src/node/server.ts',
  args: ['--settings', ETHERPAD_SETTINGS],
  workingDirectory: 'src',
  environment: ['NODE_ENV=production'],
};

/** A JSON value whose strings may be store values (`ref` writes them; store values need no JSON escaping). */
type Json =
  string | number | boolean | null | StoreValue | readonly Json[] | { readonly [key: string]: Json };

/** The settings, as settings.json.template of the pinned release names them. */
export function etherpadSettings(facts: AppFacts, port: number): Record<string, Json> {
  const db = facts.database;
  return {
    title: 'Etherpad',
    // Both address families: the proxies reach the VM over IPv6.
    ip: '::',
    port,
    showSettingsInAdminPage: false,
    ...(db
      ? {
          dbType: 'postgres',
          dbSettings: {
            host: db.host,
            port: db.port,
            database: db.name,
            user: db.user,
            password: new StoreValue(db.passwordKey),
          },
        }
      : { dbType: 'dirty', dbSettings: { filename: `${DATA}/dirty.db` } }),
    trustProxy: true,
    requireAuthentication: false,
    users: { admin: { password: new StoreValue(appSecretKey(facts, 'admin-password')), is_admin: true } },
    exposeVersion: false,
    loglevel: 'INFO',
  };
}

/** settings.json written by JSON.stringify (plain JSON: no comment); store values become `ref(key)` in their string. */
export function etherpadConfig(
  facts: AppFacts,
  port: number,
  ref: (key: string) => string = secretRef,
): string {
  const text = JSON.stringify(
    etherpadSettings(facts, port),
    (_key, value: unknown) => (value instanceof StoreValue ? ref(value.key) : value),
    2,
  );
  return `${text}\n`;
}

/**
 * Prepares one version once: its dependencies (the upstream's installDeps.sh, production only; pnpm fetches
 * them by its lockfile) and its `var/` (caches, installed plugins) moved to the data directory, since the
 * release itself is read-only to the application.
 */
export function etherpadPrepare(version: string): ConvergeCommand {
  const dir = `${releaseRoot(ETHERPAD)}/${version}`;
  const script = [
    `cd ${shellWord(dir)} || exit 1`,
    '[ -d src/node_modules ] || { ETHERPAD_PRODUCTION=1 bin/installDeps.sh >/dev/null && echo dependencies installed; } || exit 1',
    `[ -L var ] || { install -d -o ${ETHERPAD_APP.user} -g ${ETHERPAD_APP.user} -m 0750 ${DATA}/var && rm -rf var && ln -s ${DATA}/var var && echo var linked; }`,
  ];
  return { name: `Prepare Etherpad ${version} (dependencies, var/) once`, argv: sh(script.join('\n')) };
}

/** Etherpad on its VM: the release with its unit, settings.json (secret: it holds passwords), dependencies. */
export function etherpadParts(facts: AppFacts): Part[] {
  const release = releaseAppPart(ETHERPAD, ETHERPAD_APP, facts.release);
  return [
    release,
    {
      name: `etherpad: settings.json (${facts.instance.label})`,
      files: [
        {
          path: ETHERPAD_SETTINGS,
          content: etherpadConfig(facts, facts.instance.def.web!.port),
          permissions: '0640',
          owner: `root:${ETHERPAD_APP.user}`,
          secret: true,
          reload: `restart release ${ETHERPAD}`,
        },
      ],
      commands: [etherpadPrepare(facts.release.version)],
      convergeOnly: true,
    },
  ];
}
