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

export function commonOptions(argv: readonly string[], extra: ExtraOptions = {}): CommonOptions {
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
