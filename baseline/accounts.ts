// The organisation's own account manager (a Django application) from its source pinned by commit: a virtualenv
// per commit, its settings as environment variables from the model and the store, gunicorn under a hardened unit.
import type { ReleaseApp } from '../services/types.ts';
import { type AppFacts, appSecretKey, gunicornArgs, SMTP_PORT } from './app-facts.ts';
import { StoreValue } from './app-text.ts';
import { type ConvergeCommand, generated, type Part, secretRef, sh, shellWord } from './parts.ts';
import { releaseAppPart, releaseRoot } from './releases.ts';

export const ACCOUNTS = 'accounts';
export const ACCOUNTS_ENV = '/etc/accounts/accounts.env';
const USER = 'accounts';
const DATA = '/srv/accounts';

export function accountsApp(port: number, proxies: readonly string[]): ReleaseApp {
  return {
    user: USER,
    dataDir: DATA,
    program: 'venv/bin/python3',
    args: gunicornArgs(port, proxies, 'accounts.wsgi:application'),
    workingDirectory: '.',
    environmentFile: ACCOUNTS_ENV,
  };
}

/**
 * A systemd environment file: one `NAME=value` a line. Plain values are grammar-checked names, none with a
 * quote, a backslash, a space or a newline, so none needs quoting (one that had would be refused here rather
 * than mangled); store values (letters and digits) are placed by `ref`.
 */
export function environmentFile(
  values: Readonly<Record<string, string | StoreValue>>,
  ref: (key: string) => string = secretRef,
): string {
  const lines = Object.entries(values).map(([name, value]) => {
    if (value instanceof StoreValue) return `${name}=${ref(value.key)}`;
    if (/[\s"'\\$`]/.test(value))
      throw new Error(`${name}: ${JSON.stringify(value)} needs quoting in an environment file`);
    return `${name}=${value}`;
  });
  return generated('#', `${lines.join('\n')}\n`);
}

/** The settings the application reads from its environment. */
export function accountsEnvironment(facts: AppFacts): Record<string, string | StoreValue> {
  const db = facts.database;
  return {
    DJANGO_SETTINGS_MODULE: 'accounts.settings',
    ACCOUNTS_SECRET_KEY: new StoreValue(appSecretKey(facts, 'app-key')),
    ACCOUNTS_ALLOWED_HOSTS: facts.webNames.join(','),
    ACCOUNTS_BASE_URL: facts.url,
    ACCOUNTS_DATA_DIR: DATA,
    ...(db
      ? {
          ACCOUNTS_DB_HOST: db.host,
          ACCOUNTS_DB_PORT: String(db.port),
          ACCOUNTS_DB_NAME: db.name,
          ACCOUNTS_DB_USER: db.user,
          ACCOUNTS_DB_PASSWORD: new StoreValue(db.passwordKey),
        }
      : {}),
    ...(facts.mailHost
      ? { ACCOUNTS_EMAIL_HOST: facts.mailHost, ACCOUNTS_EMAIL_PORT: String(SMTP_PORT) }
      : {}),
    ACCOUNTS_EMAIL_FROM: `accounts@${facts.domain}`,
  };
}

/** The commit's venv (its source installed with its dependencies), then its database migrations, once each. */
export function accountsPrepare(version: string): ConvergeCommand[] {
  const dir = `${releaseRoot(ACCOUNTS)}/${version}`;
  const python = `${releaseRoot(ACCOUNTS)}/current/venv/bin/python3`;
  return [
    {
      name: `Build the virtualenv of accounts ${version} once`,
      argv: sh(
        [
          `cd ${shellWord(dir)} || exit 1`,
          '[ -x venv/bin/python3 ] && venv/bin/python3 -c "import accounts" 2>/dev/null && exit 0',
          'python3 -m venv --system-site-packages venv && venv/bin/pip install --quiet . && echo venv built',
        ].join('\n'),
      ),
    },
    {
      name: 'Apply the database migrations of accounts',
      argv: sh(
        `set -a; . ${ACCOUNTS_ENV}; set +a; cd ${releaseRoot(ACCOUNTS)}/current && runuser -u ${USER} --preserve-environment -- ${python} -m django migrate --no-input | grep -v -e '^Operations to perform' -e '^  Apply all migrations' -e '^Running migrations:' -e '^  No migrations to apply.' || true`,
      ),
    },
  ];
}

/** accounts on its VM: the pinned source and its unit, the environment file (secret), the venv, migrations. */
export function accountsParts(facts: AppFacts): Part[] {
  const app = accountsApp(facts.instance.def.web!.port, facts.proxies);
  return [
    releaseAppPart(ACCOUNTS, app, facts.release),
    {
      name: `accounts: environment, venv, migrations (${facts.instance.label})`,
      files: [
        {
          path: ACCOUNTS_ENV,
          content: environmentFile(accountsEnvironment(facts)),
          permissions: '0640',
          owner: `root:${USER}`,
          secret: true,
          reload: `restart release ${ACCOUNTS}`,
        },
      ],
      commands: accountsPrepare(facts.release.version),
      convergeOnly: true,
    },
  ];
}
