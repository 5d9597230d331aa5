// Command-line parsing for every command: `--inventory DIR` and `--json`, the command's own options, `--help`
// (usage, options with defaults, an example, exit codes), and unknown options refused with a suggestion.
import { parseArgs } from 'node:util';

export interface CommonOptions {
  readonly inventory: string;
  readonly json: boolean;
  readonly positionals: readonly string[];
  readonly values: Readonly<Record<string, string | boolean | string[] | undefined>>;
}

export interface OptionSpec {
  readonly type: 'string' | 'boolean';
  readonly default?: string | boolean;
  readonly multiple?: boolean;
  /** One line for --help. */
  readonly help: string;
  /** The value's placeholder in --help. @default VALUE */
  readonly arg?: string;
}

export type ExtraOptions = Record<string, OptionSpec>;

export interface CommandSpec {
  /** The npm script, e.g. `synth` for `npm run synth`. */
  readonly name: string;
  /** What the command does, in one sentence. */
  readonly summary: string;
  /** The positional arguments in the usage line, e.g. `PLAN.json`. */
  readonly args?: string;
  readonly options?: ExtraOptions;
  /** One complete command line a person can copy. */
  readonly example: string;
  /** What exit 0 and exit 1 mean for this command; 2 (bad command line) is added for every command. */
  readonly exits: readonly [ok: string, failed: string];
  /** Further exit code lines, e.g. `2  also: ...` where a command gives 2 another meaning too. */
  readonly moreExits?: readonly string[];
  /** Whether --inventory and --json apply. @default true */
  readonly inventory?: boolean;
}

/** `--today`, shared by the member commands: the date memberships (since/until) are judged on. */
export const TODAY_OPTION: OptionSpec = {
  type: 'string',
  arg: 'YYYY-MM-DD',
  help: 'the date memberships are judged on (default: today)',
};

/** `--store` and `--identity`, shared by the commands that read the secrets store. */
export const STORE_OPTIONS: ExtraOptions = {
  identity: {
    type: 'string',
    arg: 'FILE',
    help: 'the key that decrypts the store (default: $SECRETS_IDENTITY, $SECRETS_IDENTITY_KEY, ~/.ssh/id_ed25519)',
  },
  store: { type: 'string', arg: 'DIR', help: 'the secrets store (default: secrets/ beside the inventory)' },
};

const COMMON: ExtraOptions = {
  inventory: { type: 'string', default: 'inventory', arg: 'DIR', help: 'the inventory folder to read' },
  json: { type: 'boolean', default: false, help: 'print machine-readable JSON where the command has it' },
};
const HELP: ExtraOptions = { help: { type: 'boolean', default: false, help: 'print this help and exit' } };

/** Every option a command accepts: its own, the common ones where they apply, and --help. */
function optionsOf(spec: CommandSpec): ExtraOptions {
  return { ...(spec.inventory === false ? {} : COMMON), ...spec.options, ...HELP };
}

/** The text --help prints. */
export function helpText(spec: CommandSpec): string {
  const options = optionsOf(spec);
  const left = (name: string, o: OptionSpec): string =>
    `--${name}${o.type === 'string' ? ` ${o.arg ?? 'VALUE'}` : ''}${o.multiple ? ' (repeatable)' : ''}`;
  const width = Math.max(...Object.entries(options).map(([n, o]) => left(n, o).length));
  const lines = Object.entries(options).map(([name, o]) => {
    const shown = o.type === 'string' && o.default !== undefined ? ` (default: ${String(o.default)})` : '';
    return `  ${left(name, o).padEnd(width)}  ${o.help}${shown}`;
  });
  return [
    `usage: npm run ${spec.name} -- [OPTIONS]${spec.args ? ` ${spec.args}` : ''}`,
    '',
    spec.summary,
    '',
    'options:',
    ...lines,
    '',
    'example:',
    `  ${spec.example}`,
    '',
    'exit codes:',
    `  0  ${spec.exits[0]}`,
    `  1  ${spec.exits[1]}`,
    '  2  bad command line (unknown option, missing value); nothing done',
    ...(spec.moreExits ?? []).map((line) => `  ${line}`),
    '',
  ].join('\n');
}

/** Edit distance between two option names (a swap of neighbours counts as one edit), for "did you mean". */
function distance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) =>
    Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        best = Math.min(best, d[i - 2]![j - 2]! + 1);
      d[i]![j] = best;
    }
  }
  return d[a.length]![b.length]!;
}

/** The known option closest to an unknown one (a prefix counts as close). */
export function closestOption(unknown: string, known: readonly string[]): string {
  const score = (name: string): number =>
    name.startsWith(unknown) || unknown.startsWith(name) ? 0 : distance(unknown, name);
  return [...known].sort((a, b) => score(a) - score(b) || a.localeCompare(b))[0]!;
}

/** Lines naming every unknown option on the command line, each with the closest known one. */
export function unknownOptions(argv: readonly string[], spec: CommandSpec): string[] {
  const known = Object.keys(optionsOf(spec));
  const { tokens } = parseArgs({ args: [...argv], strict: false, allowPositionals: true, tokens: true });
  return tokens
    .filter((t) => t.kind === 'option' && !known.includes(t.name))
    .map((t) => {
      const name = t.kind === 'option' ? t.name : '';
      const dash = name.length === 1 ? '-' : '--';
      return `npm run ${spec.name}: unknown option ${dash}${name}; did you mean --${closestOption(name, known)}?`;
    });
}

/** C0 and C1 control characters, DEL and the Unicode line separators: what could drive a terminal. */
// eslint-disable-next-line no-control-regex -- finding control characters is the point
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;

/** Parses a command's arguments; prints --help and exits 0, or exits 2 with every problem on a bad command line. */
export function commonOptions(argv: readonly string[], spec: CommandSpec): CommonOptions {
  // Refused before anything reads them, and never printed: an escape sequence would reach the terminal.
  const bad = argv.findIndex((arg) => CONTROL.test(arg));
  if (bad >= 0) {
    const option =
      argv[bad - 1]?.startsWith('--') && !CONTROL.test(argv[bad - 1]!) ? ` (after ${argv[bad - 1]})` : '';
    process.stderr.write(
      `argument ${bad + 1}${option} has a control character or line break (not shown); expected plain text\n`,
    );
    process.exit(2);
  }
  const unknown = unknownOptions(argv, spec);
  if (unknown.length > 0) {
    process.stderr.write(`${unknown.join('\n')}\nsee npm run ${spec.name} -- --help\n`);
    process.exit(2);
  }
  try {
    const options = optionsOf(spec);
    const { values, positionals } = parseArgs({
      args: [...argv],
      allowPositionals: true,
      options: Object.fromEntries(
        Object.entries(options).map(([name, o]) => [
          name,
          {
            type: o.type,
            ...(o.default !== undefined ? { default: o.default } : {}),
            ...(o.multiple ? { multiple: true } : {}),
          },
        ]),
      ),
    });
    if (values.help) {
      process.stdout.write(helpText(spec));
      process.exit(0);
    }
    return {
      inventory: String(values.inventory ?? 'inventory'),
      json: Boolean(values.json),
      positionals,
      values: values as Record<string, string | boolean | string[] | undefined>,
    };
  } catch (err) {
    process.stderr.write(
      `npm run ${spec.name}: ${(err as Error).message}\nsee npm run ${spec.name} -- --help\n`,
    );
    process.exit(2);
  }
}
