// Gitea's app.ini: exact values on the fixture, every key known to upstream's sample with its type, hostile text quoted, secrets only as store references.
import { spawnSync } from 'node:child_process';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { renderPlaybook } from '../baseline/ansible.ts';
import { GITEA_ADMIN, GITEA_CONFIG, giteaIni, giteaPart } from '../baseline/gitea.ts';
import { GITEA_SAMPLE_KEYS } from '../baseline/gitea-sample.ts';
import { type IniSections, type IniValue, iniValue, renderIni } from '../baseline/ini.ts';
import { convergeModel } from '../baseline/vm-model.ts';
import { secretNeeds, secretKey } from '../model/secret-needs.ts';
import { forgeModel } from './helpers/forge-org.ts';
import { vmNamed } from './helpers/inventories.ts';

/**
 * How go-ini, with Gitea's load options (continuation lines ignored), reads a value back: `"""…"""` and
 * backticks up to the last closing quote as they are; otherwise cut at `#`/`;`, trimmed, one pair of
 * surrounding quotes stripped. Written from go-ini's parser (parser.go, readValue) for this test.
 */
function goIniRead(raw: string): string {
  let line = raw.trimStart();
  for (const quote of ['"""', '`']) {
    if (line.startsWith(quote) && (quote !== '"""' || line.length > 3)) {
      const rest = line.slice(quote.length);
      const end = rest.lastIndexOf(quote);
      if (end === -1) throw new Error(`unterminated ${quote} value: ${raw}`);
      return rest.slice(0, end);
    }
  }
  line = line.trim();
  const comment = line.search(/[#;]/);
  if (comment > -1) line = line.slice(0, comment);
  if (line.length >= 2 && /^(["']).*\1$/s.test(line)) line = line.slice(1, -1);
  return line;
}

function sectionsOf(ini: IniSections): Map<string, Map<string, IniValue>> {
  return new Map(ini.map(([name, keys]) => [name, new Map(keys)]));
}

const model = forgeModel();
const git = vmNamed(model.inventory, 'git');
const instance = model.services.instances.find((i) => i.kind === 'gitea')!;
const ini = giteaIni(model, instance, instance.def.release!);
const byName = sectionsOf(ini);
const value = (section: string, key: string): IniValue | undefined => byName.get(section)?.get(key);

describe('Gitea app.ini from the model', () => {
  it('takes the public name, the VM for Git over SSH, the db VM, the mail relay and the data directory from the fixture', () => {
    expect(value('server', 'DOMAIN')).toBe('code.fixture.example.org');
    expect(value('server', 'ROOT_URL')).toBe('https://code.fixture.example.org/');
    expect(value('server', 'SSH_DOMAIN')).toBe('git.fixture.example.org');
    expect(value('server', 'SSH_PORT')).toBe(2222);
    expect(value('server', 'SSH_LISTEN_PORT')).toBe(2222);
    expect(value('server', 'HTTP_PORT')).toBe(3000);
    expect(value('database', 'DB_TYPE')).toBe('postgres');
    expect(value('database', 'HOST')).toBe('db1.fixture.example.org:5432');
    expect(value('database', 'NAME')).toBe('gitea_git');
    expect(value('database', 'USER')).toBe('gitea_git');
    expect(value('mailer', 'SMTP_ADDR')).toBe('mail.fixture.example.org');
    expect(value('mailer', 'SMTP_PORT')).toBe(25);
    expect(value('security', 'INSTALL_LOCK')).toBe(true);
    expect(value('', 'RUN_USER')).toBe('git');
    expect(value('', 'APP_NAME')).toBe('Fixture Organisation');
    expect(value('repository', 'ROOT')).toBe('/var/lib/gitea/repositories');
    expect(value('lfs', 'PATH')).toBe('/var/lib/gitea/data/lfs');
    expect(value('server', 'LFS_START_SERVER')).toBe(true);
  });

  it('writes every secret as a reference to this instance in the store, and each one the store holds', () => {
    const needs = new Set(secretNeeds(model).map(secretKey));
    const refs = ini
      .flatMap(([, keys]) => keys)
      .flatMap(([key, v]) => (typeof v === 'object' ? [[key, v]] : []));
    expect(refs.map(([key]) => key).sort()).toEqual(
      ['INTERNAL_TOKEN', 'JWT_SECRET', 'LFS_JWT_SECRET', 'PASSWD', 'SECRET_KEY'].sort(),
    );
    for (const [, ref] of refs) {
      const key = /secrets\['([^']+)'\]/.exec((ref as { secretRef: string }).secretRef)![1]!;
      expect(key.startsWith('service/gitea-git/')).toBe(true);
      expect(needs.has(key), key).toBe(true);
    }
  });

  it('disables the mailer when the organisation runs no mail relay', () => {
    const noMail = forgeModel(undefined, (i) => ({
      ...i,
      vms: i.vms.map((vm) => (vm.name === 'mail' ? { ...vm, services: [] } : vm)),
    }));
    const g = noMail.services.instances.find((i) => i.kind === 'gitea')!;
    const mailer = sectionsOf(giteaIni(noMail, g, g.def.release!)).get('mailer')!;
    expect([...mailer]).toEqual([['ENABLED', false]]);
  });
});

describe("Gitea app.ini against upstream's sample", () => {
  it('writes only sections and keys the sample of the pinned series knows, each with its type', () => {
    for (const [section, keys] of ini) {
      const known = GITEA_SAMPLE_KEYS[section];
      expect(known, `section [${section}]`).toBeDefined();
      for (const [key, v] of keys) {
        const type = known![key];
        expect(type, `[${section}] ${key}`).toBeDefined();
        const actual = typeof v === 'object' ? 'string' : typeof v;
        const expected = { string: 'string', duration: 'string', bool: 'boolean', int: 'number' }[type!];
        expect(actual, `[${section}] ${key}`).toBe(expected);
        if (type === 'int') expect(Number.isInteger(v)).toBe(true);
      }
    }
  });

  it('would catch a key upstream does not know', () => {
    expect(GITEA_SAMPLE_KEYS.server!.HTTP_PORTS).toBeUndefined();
    expect(GITEA_SAMPLE_KEYS.security!.INSTALL_LOCK).toBe('bool');
  });
});

describe('the INI writer', () => {
  const hostile = [
    'Org; with # comment marks',
    '`backticks` and """triples',
    '"quoted"',
    "'single'",
    ' padded ',
    'ends in a backslash \\',
    'ümlaut – and {{ braces }}',
    'a = b [section]',
  ];

  it('quotes hostile text so go-ini reads back exactly the text', () => {
    for (const text of hostile.filter((t) => !(t.includes('`') && t.includes('"""'))))
      expect(goIniRead(iniValue(text)), text).toBe(text);
  });

  it('reads back any one-line text exactly, or refuses it', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 40 }), (text) => {
        let written: string;
        try {
          written = iniValue(text);
        } catch {
          return (
            /[\r\n]|%\([^)]*\)s/.test(text) ||
            (text.includes('`') && (text.includes('"""') || text.endsWith('"')))
          );
        }
        return goIniRead(written) === text;
      }),
      { numRuns: 2000 },
    );
  });

  it("refuses what go-ini would expand into another key's value, a line break, and bad names", () => {
    expect(() => iniValue('%(SECRET_KEY)s')).toThrow(/%\(/);
    expect(() => iniValue('two\nlines')).toThrow(/line break/);
    expect(() => renderIni(';', [['bad]section', []]])).toThrow(/section/);
    expect(() => renderIni(';', [['', [['KEY = x', 1]]]])).toThrow(/key/);
  });

  it("keeps a hostile organisation name as the page title, Python's configparser agreeing on the structure", () => {
    const name = 'Evil ; # `x` %(SECRET_KEY)s [server] DOMAIN = evil';
    const evil = forgeModel(undefined, (i) => ({ ...i, org: { ...i.org, name } }));
    const g = evil.services.instances.find((i) => i.kind === 'gitea')!;
    const text = renderIni('; header', giteaIni(evil, g, g.def.release!));
    const line = text.split('\n').find((l) => l.startsWith('APP_NAME = '))!;
    expect(goIniRead(line.slice('APP_NAME = '.length))).toBe(name.replace('%(', '% ('));
    const parsed = spawnSync(
      'python3',
      [
        '-c',
        'import configparser,sys,json\nc=configparser.ConfigParser(interpolation=None,strict=True)\nc.optionxform=str\nc.read_string("[root]\\n"+sys.stdin.read())\nprint(json.dumps({s:dict(c[s]) for s in c.sections()}))',
      ],
      { input: text, encoding: 'utf8' },
    );
    expect(parsed.status, parsed.stderr).toBe(0);
    const sections = JSON.parse(parsed.stdout) as Record<string, Record<string, string>>;
    expect(Object.keys(sections).sort()).toEqual(
      ['root', ...ini.map(([s]) => s).filter((s) => s !== '')].sort(),
    );
    expect(sections.server!.DOMAIN).toBe('code.fixture.example.org');
  });
});

describe('Gitea in the playbook', () => {
  const playbook = renderPlaybook(convergeModel(model, git));

  it('writes app.ini as a no_log template readable by git only, and restarts Gitea when it changes', () => {
    const part = giteaPart(model, git)!;
    const file = part.files![0]!;
    expect(file).toMatchObject({ path: GITEA_CONFIG, permissions: '0640', owner: 'root:git', secret: true });
    expect(file.reload).toBe('restart release gitea');
    const plays = parse(playbook, { customTags: [{ tag: '!unsafe', resolve: (s: string) => s }] }) as {
      tasks: Record<string, unknown>[];
    }[];
    const task = plays.flatMap((p) => p.tasks).find((t) => t.name === `File ${GITEA_CONFIG}`)!;
    expect(task.no_log).toBe(true);
    expect(task.notify).toBe('restart release gitea');
  });

  it('bootstraps the administrator once, its password only from the store in an environment variable', () => {
    const command = giteaPart(model, git)!.commands![0]!;
    expect(command.secretEnv).toEqual({ INFRA_GITEA_ADMIN_PASSWORD: 'service/gitea-git/admin-password' });
    expect(command.argv.join(' ')).toMatch(/test -e \/var\/lib\/gitea\/infra-admin-created && exit 0/);
    expect(command.argv.join(' ')).toContain(`--username ${GITEA_ADMIN}`);
    expect(playbook).not.toMatch(/throwaway|password: /);
  });

  it('leaves Gitea unconfigured without a pinned release or without a store', () => {
    expect(giteaPart(forgeModel({}), git)).toBeUndefined();
    const noStore = forgeModel(undefined, (i) => ({ ...i, org: { ...i.org, secrets: undefined } }));
    expect(giteaPart(noStore, git)).toBeUndefined();
  });
});
