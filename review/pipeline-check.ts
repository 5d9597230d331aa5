// Checks `.drone.yml` before Drone runs it: npm scripts that exist, secrets only through from_secret, images pinned
// by digest, no secret in a pull-request build but the comment token (review/pipeline-trust.ts), a trigger on every pipeline, and SSH to the Proxmox nodes where snippets are uploaded. Findings are located like the inventory's: FILE:LINE:COL  path  message.
import {
  type Document,
  isMap,
  isPair,
  isScalar,
  isSeq,
  LineCounter,
  type Node,
  parseAllDocuments,
} from 'yaml';
import { type Finding, formatPath, type Path, sortFindings } from '../inventory/findings.ts';
import { locateOffset } from '../inventory/source.ts';
import { isSensitivePath, isSensitiveValue } from './mask.ts';
import { checkSshStep } from './pipeline-ssh.ts';
import {
  checkInstallWithSecret,
  checkPullRequestSecrets,
  imageProblem,
  runsOnPullRequests,
} from './pipeline-trust.ts';

export { imageProblem };

export interface ProjectFacts {
  /** Names under `scripts` in package.json. */
  readonly scripts: ReadonlySet<string>;
  /** package-lock.json (or npm-shrinkwrap.json) exists, which `npm ci` needs. */
  readonly hasLockfile: boolean;
  /** Stacks that upload cloud-init snippets over SSH (from the inventory). @default none */
  readonly snippetStacks?: readonly string[];
}

export interface PipelineCheck {
  readonly findings: readonly Finding[];
  readonly pipelines: number;
  readonly steps: number;
}

type Json = Record<string, unknown>;

function isRecord(value: unknown): value is Json {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

export function checkPipelines(text: string, file: string, facts: ProjectFacts): PipelineCheck {
  const lines = new LineCounter();
  const docs = parseAllDocuments(text, { lineCounter: lines, prettyErrors: false });
  const findings: Finding[] = [];
  const at = (offset: number, path: Path, message: string): void => {
    const pos = lines.linePos(offset);
    findings.push({ severity: 'error', file, line: pos.line, col: pos.col, path: formatPath(path), message });
  };
  if (!Array.isArray(docs)) {
    at(0, [], 'could not be read as YAML documents');
    return { findings, pipelines: 0, steps: 0 };
  }
  let pipelines = 0;
  let steps = 0;
  docs.forEach((doc, docIndex) => {
    for (const err of doc.errors)
      at(err.pos[0], [], `YAML syntax error (${err.code}): ${err.message.split('\n')[0]}`);
    if (doc.errors.length > 0) return;
    const data: unknown = doc.toJS({ maxAliasCount: 100 });
    if (!isRecord(data) || data.kind !== 'pipeline') return;
    pipelines++;
    const name = typeof data.name === 'string' ? data.name : `document ${docIndex + 1}`;
    const report = (path: Path, message: string, key = false): void => {
      at(locateOffset(doc, path, key), [name, ...path], message);
    };

    if (data.trigger === undefined || data.trigger === null) {
      report(
        ['kind'],
        `pipeline "${name}" has no trigger; expected e.g. "trigger: { event: [push], branch: [main] }" so it runs only when meant to`,
        true,
      );
    }
    checkEnvironment(data.environment, ['environment'], report);
    if (runsOnPullRequests(data.trigger)) checkPullRequestSecrets(data, report);

    for (const section of ['steps', 'services'] as const) {
      const list = data[section];
      if (!Array.isArray(list)) continue;
      list.forEach((step: unknown, i) => {
        if (!isRecord(step)) return;
        if (section === 'steps') steps++;
        const label = `${section === 'steps' ? 'step' : 'service'} "${typeof step.name === 'string' ? step.name : i}"`;
        const base: Path = [section, i];
        if (typeof step.image === 'string') {
          const problem = imageProblem(step.image);
          if (problem) report([...base, 'image'], `${label}: image "${step.image}" ${problem}`);
        }
        checkEnvironment(step.environment, [...base, 'environment'], report);
        checkEnvironment(step.settings, [...base, 'settings'], report);
        checkInstallWithSecret(step, label, base, report);
        if (section === 'steps') {
          const ssh = { label, base, step, pipelineEnvironment: data.environment };
          checkSshStep(ssh, facts.snippetStacks ?? [], report);
        }
        if (Array.isArray(step.commands)) {
          step.commands.forEach((command: unknown, j) => {
            if (typeof command !== 'string') return;
            const path: Path = [...base, 'commands', j];
            for (const problem of npmProblems(command, facts)) {
              const offset = offsetInScalar(doc, text, path, command, problem.index);
              at(offset, [name, ...path], `${label}: ${problem.message}`);
            }
          });
        }
      });
    }
  });
  return { findings: sortFindings(findings), pipelines, steps };
}

/** A value written into the file that should come from a Drone secret instead. */
function checkEnvironment(
  env: unknown,
  path: Path,
  report: (path: Path, message: string, key?: boolean) => void,
): void {
  if (!isRecord(env)) return;
  for (const [key, value] of Object.entries(env)) {
    if (value === null || value === undefined || isRecord(value)) continue;
    const text = String(value);
    if (text === '' || /^\$\{?[A-Za-z_]\w*\}?$/.test(text)) continue;
    if (isSensitivePath(key) || isSensitiveValue(text)) {
      report(
        [...path, key],
        `${key} is written inline and looks secret; expected "${key}: { from_secret: ${key.toLowerCase()} }"`,
      );
    }
  }
}

const NPM_OPTIONS_WITH_VALUE = new Set(['--prefix', '-C', '--workspace', '-w', '--userconfig', '--cache']);
const RUN = new Set(['run', 'run-script', 'rum', 'urn']);
const LIFECYCLE: Readonly<Record<string, string>> = {
  test: 'test',
  t: 'test',
  tst: 'test',
  start: 'start',
  stop: 'stop',
  restart: 'restart',
};
const CI = new Set(['ci', 'clean-install', 'ic', 'install-clean', 'isntall-clean']);

export interface CommandProblem {
  readonly message: string;
  /** Where in the command string the npm call starts. */
  readonly index: number;
}

/** Problems with every `npm ...` invocation in a step command (one line or a whole script). */
export function npmProblems(command: string, facts: ProjectFacts): CommandProblem[] {
  const problems: CommandProblem[] = [];
  for (const match of command.matchAll(/(?:^|[\s;&|(])npm\s+([^;&|\n)]*)/g)) {
    const tokens = match[1]!
      .trim()
      .split(/\s+/)
      .map((t) => t.replace(/^["']|["']$/g, ''));
    const rest: string[] = [];
    let ifPresent = false;
    for (let i = 0; i < tokens.length; i++) {
      const t = tokens[i]!;
      if (t === '--') break;
      if (t === '--if-present') ifPresent = true;
      if (NPM_OPTIONS_WITH_VALUE.has(t)) i++;
      else if (!t.startsWith('-')) rest.push(t);
    }
    const [verb, script] = rest;
    if (!verb) continue;
    const index = match.index + match[0].indexOf('npm');
    if (RUN.has(verb)) {
      if (!script || script.includes('$') || ifPresent) continue;
      if (!facts.scripts.has(script)) {
        problems.push({
          index,
          message: `"npm ${verb} ${script}": package.json has no script "${script}"${known(facts)}`,
        });
      }
    } else if (LIFECYCLE[verb]) {
      const name = LIFECYCLE[verb]!;
      if (!facts.scripts.has(name)) {
        problems.push({
          index,
          message: `"npm ${verb}": package.json has no script "${name}"${known(facts)}`,
        });
      }
    } else if (CI.has(verb) && !facts.hasLockfile) {
      problems.push({
        index,
        message: `"npm ${verb}" needs package-lock.json, which is missing; expected a committed lock file`,
      });
    }
  }
  return problems;
}

function known(facts: ProjectFacts): string {
  return `; scripts are: ${[...facts.scripts].sort().join(', ')}`;
}

/**
 * Offset in the file of character `index` of a string value: a script in a `|` block keeps its lines, so a
 * finding can point at the line inside the script rather than at its first line.
 */
function offsetInScalar(doc: Document, text: string, path: Path, value: string, index: number): number {
  const node = nodeAt(doc, path);
  const start = node?.range?.[0] ?? locateOffset(doc, path);
  if (!isScalar(node) || (node.type !== 'BLOCK_LITERAL' && node.type !== 'BLOCK_FOLDED')) {
    const quoted = isScalar(node) && (node.type === 'QUOTE_DOUBLE' || node.type === 'QUOTE_SINGLE');
    return start + (quoted ? 1 : 0) + (value.includes('\n') ? 0 : index);
  }
  const before = value.slice(0, index);
  const lineInValue = before.split('\n').length - 1;
  const column = index - (before.lastIndexOf('\n') + 1);
  const valueLine = value.split('\n')[lineInValue] ?? '';
  // The block's content starts on the line after its `|` header.
  let offset = text.indexOf('\n', start) + 1;
  for (let i = 0; i < lineInValue && offset > 0; i++) offset = text.indexOf('\n', offset) + 1;
  if (offset <= 0) return start;
  const sourceLine = text.slice(
    offset,
    text.indexOf('\n', offset) === -1 ? undefined : text.indexOf('\n', offset),
  );
  const indent =
    sourceLine.length - sourceLine.trimStart().length - (valueLine.length - valueLine.trimStart().length);
  return offset + indent + column;
}

function nodeAt(doc: Document, path: Path): Node | undefined {
  let node: unknown = doc.contents;
  for (const segment of path) {
    if (isMap(node)) {
      const pair = node.items.find(
        (p) => isPair(p) && isScalar(p.key) && String(p.key.value) === String(segment),
      );
      if (!pair) return undefined;
      node = pair.value;
    } else if (isSeq(node) && typeof segment === 'number') {
      node = node.items[segment];
    } else {
      return undefined;
    }
  }
  return (node as Node | null) ?? undefined;
}
