// MoinMoin 2 from its pinned wheel, in a virtualenv per version, served by Debian's gunicorn: wikiconfig.py
// from the model and the store (every text a Python string), its index made once, a hardened unit.
import type { ReleaseApp } from '../services/types.ts';
import { type AppFacts, appSecretKey, gunicornArgs, SMTP_PORT } from './app-facts.ts';
import { pythonString } from './app-text.ts';
import { type ConvergeCommand, generated, type Part, secretRef, sh, shellWord } from './parts.ts';
import { releaseAppPart, releaseRoot } from './releases.ts';

export const MOINMOIN = 'moinmoin';
export const MOIN_CONFIG = '/etc/moin/wikiconfig.py';
/** The wiki's instance: its items, users and index. */
export const MOIN_INSTANCE = '/srv/moin';
const USER = 'moin';
const VENV_PYTHON = 'venv/bin/python3';

/** The wheel's file name, which pip needs as it is (name-version-tags.whl). */
export function wheelName(url: string): string {
  return url.slice(url.lastIndexOf('/') + 1);
}

/** gunicorn (Debian's, seen through the venv's system site packages) serving moin's app factory. */
export function moinApp(port: number, proxies: readonly string[]): ReleaseApp {
  return {
    user: USER,
    dataDir: MOIN_INSTANCE,
    program: VENV_PYTHON,
    args: gunicornArgs(port, proxies, 'moin.app:create_app()', ['--timeout', '60']),
    environment: [`MOINCFG=${MOIN_CONFIG}`],
  };
}

/** wikiconfig.py: the upstream sample's settings that the model decides, each text a pythonString. */
export function moinConfig(
  facts: AppFacts,
  timezone: string,
  ref: (key: string) => string = secretRef,
): string {
  const py = pythonString;
  const url = `${facts.url}/`;
  const secret = `'${ref(appSecretKey(facts, 'secret-key'))}'`;
  const lines = [
    'import os',
    '',
    'from moin.config import AclConfig, IndexStorageConfig',
    'from moin.config.default import DefaultConfig',
    'from moin.constants.namespaces import NAMESPACE_DEFAULT, NAMESPACE_USERPROFILES, NAMESPACE_USERS',
    'from moin.storage import create_mapping',
    '',
    '',
    'class Config(DefaultConfig):',
    `    instance_dir = ${py(`${MOIN_INSTANCE}/wiki`)}`,
    "    data_dir = os.path.join(instance_dir, 'data')",
    "    index_storage = IndexStorageConfig(name='FileStorage', args=(os.path.join(instance_dir, 'index'),), kwargs={})",
    `    sitename = ${py(facts.webNames[0] ?? 'wiki')}`,
    `    interwikiname = ${py(facts.webNames[0] ?? 'wiki')}`,
    `    interwiki_map = {interwikiname: ${py(url)}, 'Self': ${py(url)}}`,
    `    timezone_default = ${py(timezone)}`,
    '    registration_only_by_superuser = True',
    `    secrets = ${secret}`,
    ...(facts.mailHost
      ? [
          `    mail_from = ${py(`wiki@${facts.domain}`)}`,
          `    mail_smarthost = ${py(`${facts.mailHost}:${SMTP_PORT}`)}`,
        ]
      : []),
    "    uri = f'stores:fs:{data_dir}/%(backend)s/%(kind)s'",
    "    namespaces = {NAMESPACE_DEFAULT: 'default', NAMESPACE_USERS: 'users', NAMESPACE_USERPROFILES: 'userprofiles'}",
    "    backends = {'default': uri, 'users': uri, 'userprofiles': uri}",
    '    acls = {',
    "        NAMESPACE_DEFAULT: AclConfig(before='', default='Known:read,write,create All:read', after='', hierarchic=False),",
    "        NAMESPACE_USERS: AclConfig(before='', default='Known:read,write,create All:read', after='', hierarchic=True),",
    "        NAMESPACE_USERPROFILES: AclConfig(before='All:', default='', after='', hierarchic=False),",
    '    }',
    '    namespace_mapping, backend_mapping, acl_mapping = create_mapping(uri, namespaces, backends, acls)',
    '',
    '',
    'MOINCFG = Config',
    `SECRET_KEY = ${secret}`,
    'DEBUG = False',
    'SESSION_COOKIE_SECURE = True',
    `TRUSTED_HOSTS = [${facts.webNames.map(py).join(', ')}]`,
    '',
  ];
  return generated('#', lines.join('\n'));
}

/** The venv of one version, once: the pinned wheel with its dependencies, Debian's gunicorn seen through. */
export function moinVenv(version: string, wheel: string): ConvergeCommand {
  const dir = `${releaseRoot(MOINMOIN)}/${version}`;
  const script = [
    `cd ${shellWord(dir)} || exit 1`,
    `[ -x ${VENV_PYTHON} ] && venv/bin/python3 -c 'import moin' 2>/dev/null && exit 0`,
    `python3 -m venv --system-site-packages venv && venv/bin/pip install --quiet ${shellWord(wheel)} && echo venv built`,
  ];
  return { name: `Build the virtualenv of MoinMoin ${version} once`, argv: sh(script.join('\n')) };
}

/** The wiki's index, made once by moin itself as the wiki's user. */
function moinIndex(): ConvergeCommand {
  const moin = `${releaseRoot(MOINMOIN)}/current/venv/bin/moin`;
  return {
    name: 'Create the MoinMoin index once',
    argv: sh(
      `[ -d ${MOIN_INSTANCE}/wiki/index ] && exit 0; runuser -u ${USER} -- env MOINCFG=${MOIN_CONFIG} ${moin} index-create >/dev/null && echo index created`,
    ),
  };
}

/** MoinMoin on its VM: the wheel and its unit, wikiconfig.py (secret), the venv and the index. */
export function moinParts(facts: AppFacts, timezone: string): Part[] {
  const app = moinApp(facts.instance.def.web!.port, facts.proxies);
  const wheel = wheelName(facts.release.url);
  const base = releaseAppPart(MOINMOIN, app, facts.release);
  // The artifact is the wheel itself, kept under its own name; the unit runs the venv built from it.
  const release = { ...base, releases: base.releases!.map((r) => ({ ...r, program: wheel })) };
  return [
    release,
    {
      name: `moinmoin: wikiconfig.py, venv, index (${facts.instance.label})`,
      files: [
        {
          path: MOIN_CONFIG,
          content: moinConfig(facts, timezone),
          permissions: '0640',
          owner: `root:${USER}`,
          secret: true,
          reload: `restart release ${MOINMOIN}`,
        },
      ],
      commands: [moinVenv(facts.release.version, wheel), moinIndex()],
      convergeOnly: true,
    },
  ];
}
