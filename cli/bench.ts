// `npm run bench`: wall time and peak memory of check and synth at 1x, 10x and 100x the example inventory,
// side by side with `cdktf synth` of the same app, all in one run. Prints figures; asserts nothing.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { scaleInventory } from '../bench/scale.ts';
import { commonOptions } from './args.ts';

const options = commonOptions(process.argv.slice(2), {
  name: 'bench',
  summary:
    'Wall time and peak memory of check and synth at 1x, 10x and 100x the example inventory, side by side with cdktf synth of the same app. Prints figures; asserts nothing.',
  options: {
    runs: {
      type: 'string',
      default: '3',
      arg: 'N',
      help: 'runs per measurement below 100x (the median is printed)',
    },
    scales: {
      type: 'string',
      default: '1,10,100',
      arg: 'LIST',
      help: 'inventory sizes to measure, as multiples of the example',
    },
  },
  example: 'npm run bench -- --runs 5 --scales 1,10',
  exits: ['every measurement ran', 'a measured command failed'],
});
const runs = Math.max(1, Number(options.values.runs));
const scales = String(options.values.scales).split(',').map(Number);
const work = mkdtempSync(join(tmpdir(), 'infra-bench-'));
const gnuTime = existsSync('/usr/bin/time') ? '/usr/bin/time' : undefined;
if (!gnuTime) process.stderr.write('no /usr/bin/time (Debian package "time"): peak RSS is not measured\n');

interface Sample {
  readonly wall: number;
  readonly rssMiB?: number;
  readonly workMs?: number;
}

function measure(command: string[], env: NodeJS.ProcessEnv = {}): Sample {
  const argv = gnuTime ? [gnuTime, '-f', 'bench-rss-kb %M', ...command] : command;
  const started = performance.now();
  const run = spawnSync(argv[0]!, argv.slice(1), {
    encoding: 'utf8',
    env: { ...process.env, ...env },
    maxBuffer: 1 << 28,
  });
  const wall = (performance.now() - started) / 1000;
  if (run.status !== 0)
    throw new Error(`${command.join(' ')} failed (${run.status}):\n${run.stderr.slice(-2000)}`);
  const rss = /bench-rss-kb (\d+)/.exec(run.stderr)?.[1];
  const workMs = /work-ms ([\d.]+)/.exec(run.stderr)?.[1];
  return {
    wall,
    ...(rss ? { rssMiB: Number(rss) / 1024 } : {}),
    ...(workMs ? { workMs: Number(workMs) } : {}),
  };
}

function median(samples: Sample[]): Sample {
  const pick = <K extends keyof Sample>(key: K): number | undefined => {
    const values = samples
      .map((s) => s[key])
      .filter((v): v is number => v !== undefined)
      .sort((a, b) => a - b);
    return values.length ? values[Math.floor(values.length / 2)] : undefined;
  };
  const rss = pick('rssMiB');
  const workMs = pick('workMs');
  return {
    wall: pick('wall')!,
    ...(rss !== undefined ? { rssMiB: rss } : {}),
    ...(workMs !== undefined ? { workMs } : {}),
  };
}

interface Row {
  readonly what: string;
  readonly scale: number;
  readonly sample: Sample;
}

const rows: Row[] = [];
const report = (row: Row): void => {
  rows.push(row);
  const s = row.sample;
  process.stdout.write(
    `${row.what.padEnd(18)} ${`${row.scale}x`.padStart(5)}  wall ${s.wall.toFixed(2).padStart(7)} s` +
      `  work ${(s.workMs !== undefined ? `${(s.workMs / 1000).toFixed(2)} s` : '-').padStart(7)}` +
      `  peak RSS ${(s.rssMiB !== undefined ? `${s.rssMiB.toFixed(0)} MiB` : '-').padStart(8)}\n`,
  );
};

/** One line per scale: wall and peak memory of check and synth, and synth against cdktf synth where measured. */
function printTable(all: readonly Row[]): void {
  const cdktf = all.find((r) => r.what === 'npx cdktf synth');
  const cell = (s?: Sample): string =>
    s ? `${s.wall.toFixed(2)} s / ${s.rssMiB !== undefined ? `${s.rssMiB.toFixed(0)} MiB` : '-'}` : '-';
  process.stdout.write(
    `\n${'scale'.padEnd(6)} ${'check (wall / peak RSS)'.padEnd(26)} ${'synth (wall / peak RSS)'.padEnd(26)} cdktf synth / synth\n`,
  );
  for (const scale of [...new Set(all.map((r) => r.scale))]) {
    const at = (what: string): Sample | undefined =>
      all.find((r) => r.what === what && r.scale === scale)?.sample;
    const synth = at('npm run synth');
    const versus =
      cdktf && synth ? `${(cdktf.sample.wall / synth.wall).toFixed(2)}x (cdktf at ${cdktf.scale}x)` : '-';
    process.stdout.write(
      `${`${scale}x`.padEnd(6)} ${cell(at('npm run check')).padEnd(26)} ${cell(synth).padEnd(26)} ${scale === cdktf?.scale ? versus : '-'}\n`,
    );
  }
}

/** cdktf synth / npm run synth of each side-by-side pair at 1x. */
const pairRatios: number[] = [];
const load = (): string =>
  loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');

try {
  process.stdout.write(
    `median of ${runs} run(s) each (100x: 1 run); node ${process.version}; ${availableParallelism()} cores, load average ${load()}\n\n`,
  );
  for (const scale of scales) {
    // Each scale in a folder of its own, for its secrets store beside the inventory (bench/scale.ts).
    const dir = scale === 1 ? options.inventory : join(work, `${scale}x`, 'inventory');
    if (scale !== 1) scaleInventory(options.inventory, dir, scale);
    const n = scale >= 100 ? 1 : runs;
    const out = join(work, `out-${scale}x`);
    const repeat = (cmd: string[], env?: NodeJS.ProcessEnv): Sample =>
      median(Array.from({ length: n }, () => measure(cmd, env)));
    report({
      what: 'npm run check',
      scale,
      sample: repeat(['npm', 'run', '--silent', 'check', '--', '--inventory', dir, '--timing']),
    });
    const synth = (): Sample =>
      measure([
        'npm',
        'run',
        '--silent',
        'synth',
        '--',
        '--inventory',
        dir,
        '--out',
        out,
        '--quiet',
        '--timing',
      ]);
    if (scale !== 1) {
      report({ what: 'npm run synth', scale, sample: median(Array.from({ length: n }, synth)) });
      continue;
    }
    // Side by side: each pair runs synth, then the same app through the cdktf CLI (cdktf.json's "app", into
    // its own folder), so both see the same load on a shared machine; the ratio is the median of the pairs'.
    const pairs = Array.from({ length: n }, () => {
      const ours = synth();
      const cdktf = measure(['npx', 'cdktf', 'synth', '--output', join(work, 'cdktf-cli-out')], {
        INFRA_INVENTORY: dir,
        CHECKPOINT_DISABLE: '1',
        CI: '1',
      });
      return { ours, cdktf, ratio: cdktf.wall / ours.wall };
    });
    report({ what: 'npm run synth', scale, sample: median(pairs.map((p) => p.ours)) });
    report({ what: 'npx cdktf synth', scale, sample: median(pairs.map((p) => p.cdktf)) });
    pairRatios.push(...pairs.map((p) => p.ratio));
  }

  const find = (what: string, scale: number): Sample | undefined =>
    rows.find((r) => r.what === what && r.scale === scale)?.sample;
  const ratio = (a?: Sample, b?: Sample): string => (a && b ? `${(a.wall / b.wall).toFixed(2)}x` : 'n/a');
  process.stdout.write('\nratios (wall, same run):\n');
  const sorted = [...pairRatios].sort((a, b) => a - b);
  const pairs = sorted.length
    ? `${sorted[Math.floor(sorted.length / 2)]!.toFixed(2)}x (pairs: ${pairRatios.map((r) => r.toFixed(2)).join(', ')})`
    : 'n/a';
  process.stdout.write(
    `  cdktf synth / npm run synth at 1x, median of side-by-side pairs: ${pairs} (target >= 4x)\n`,
  );
  for (const what of ['npm run check', 'npm run synth']) {
    process.stdout.write(
      `  ${what} 10x / 1x: ${ratio(find(what, 10), find(what, 1))}, 100x / 10x: ${ratio(find(what, 100), find(what, 10))} (linear: about 10x of the work, less of start-up)\n`,
    );
  }
  process.stdout.write(
    'targets: check work < 0.5 s at 1x; synth < 3 s wall at 1x; synth < 10 s wall at 10x; synth < 60 s wall at 100x; 100x / 10x <= 11x\n',
  );
  printTable(rows);
  process.stdout.write(`\nload average at the end: ${load()}\n`);
} finally {
  rmSync(work, { recursive: true, force: true });
}
