// Command-line options shared by every command: `--inventory DIR` and `--json`.
import { parseArgs } from 'node:util';

export interface CommonOptions {
  readonly inventory: string;
  readonly json: boolean;
  readonly positionals: readonly string[];
  readonly values: Readonly<Record<string, string | boolean | string[] | undefined>>;
}

export type ExtraOptions = Record<
  string,
  { type: 'string' | 'boolean'; default?: string | boolean; multiple?: boolean }
>;

/** C0 and C1 control characters, DEL and the Unicode line separators: what could drive a terminal. */
// eslint-disable-next-line no-control-regex -- finding control characters is the point
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;

export function commonOptions(argv: readonly string[], extra: ExtraOptions = {}): CommonOptions {
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
  try {
    const { values, positionals } = parseArgs({
      args: [...argv],
      allowPositionals: true,
      options: {
        inventory: { type: 'string', default: 'inventory' },
        json: { type: 'boolean', default: false },
        ...extra,
      },
    });
    return {
      inventory: String(values.inventory),
      json: Boolean(values.json),
      positionals,
      values: values as Record<string, string | boolean | string[] | undefined>,
    };
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n`);
    process.exit(2);
  }
}
