// Every command behind an npm script answers --help (usage, options with defaults, an example, exit codes)
// and refuses an unknown option with a suggestion, run as the script runs it (`node dist/cli/NAME.js`, compiled
// by the global setup). Each run loads the whole command, so they run side by side.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { closestOption } from '../cli/args.ts';

const scripts = (JSON.parse(readFileSync('package.json', 'utf8')) as { scripts: Record<string, string> })
  .scripts;
/** The npm scripts that run a command of cli/ (compiled): all of them take --help. */
const COMMANDS = Object.entries(scripts)
  .filter(([, command]) => /^node dist\/cli\/[a-z-]+\.js$/.test(command))
  .map(([name]) => name)
  .sort();

/** Runs an npm script's command (`node dist/cli/NAME.js`) with these arguments, without npm's own start-up. */
function npmRun(name: string, ...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const [, script] = scripts[name]!.split(' ');
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [script!, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.once('error', fail);
    child.once('exit', (code) => done({ code: code ?? 1, stdout, stderr }));
  });
}

describe('--help on every command', () => {
  it('finds the commands in package.json, every one compiled from cli/', () => {
    expect(COMMANDS).toEqual(expect.arrayContaining(['check', 'synth', 'converge', 'simulator', 'bench']));
    for (const name of COMMANDS) expect(scripts[name]).toMatch(/^node dist\/cli\//);
  });

  it.concurrent.each(COMMANDS)(
    'npm run %s -- --help prints usage, options with defaults, an example and exit codes',
    async (name) => {
      const { code, stdout, stderr } = await npmRun(name, '--help');
      expect(code, stderr).toBe(0);
      expect(stdout).toMatch(new RegExp(`^usage: npm run ${name} -- \\[OPTIONS\\]`));
      expect(stdout).toMatch(/\n {2}--help +print this help and exit\n/);
      expect(stdout).toMatch(/\nexample:\n {2}npm run /);
      expect(stdout).toMatch(/\nexit codes:\n {2}0 .+\n {2}1 .+\n {2}2 +bad command line/);
      // A string option with a default shows it, so a reader never guesses.
      if (stdout.includes('--inventory')) expect(stdout).toContain('(default: inventory)');
    },
  );

  it.concurrent.each(COMMANDS)(
    'npm run %s refuses an unknown option with exit 2, naming the closest one',
    async (name) => {
      const { code, stdout, stderr } = await npmRun(name, '--hepl', '--nonsense-option');
      expect(code).toBe(2);
      expect(stdout).toBe('');
      expect(stderr).toContain(`npm run ${name}: unknown option --hepl; did you mean --help?`);
      expect(stderr).toContain(`unknown option --nonsense-option`);
    },
  );
});

describe('closestOption', () => {
  it.each([
    ['ot', 'out'],
    ['inventroy', 'inventory'],
    ['know-hosts', 'known-hosts'],
    ['dry', 'dry-run'],
    ['hepl', 'help'],
  ])('suggests --%s → --%s', (given, expected) => {
    expect(closestOption(given, ['inventory', 'json', 'out', 'known-hosts', 'dry-run', 'head', 'help'])).toBe(
      expected,
    );
  });
});
