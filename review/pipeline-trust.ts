// The pipeline rules that keep a pull request from reaching a credential: a pull-request pipeline holds no
// secret except the comment bot's token, in a step that runs the target branch's tooling; no step that holds a
// secret installs packages; images are pinned by digest. Used by review/pipeline-check.ts.
import type { Path } from '../inventory/findings.ts';

/** The one secret a pull-request build may hold: the comment bot's token (an account that may only comment). */
export const COMMENT_SECRET = 'gitea_token';

/** Where the review pipeline checks out the target branch's tooling; the comment step runs from there. */
export const BASE_WORKTREE = '.review-base';

type Json = Record<string, unknown>;
type Report = (path: Path, message: string, key?: boolean) => void;

const isRecord = (value: unknown): value is Json =>
  value !== null && typeof value === 'object' && !Array.isArray(value);

/** Does Drone run this pipeline for pull requests? Yes unless its trigger names events without pull_request. */
export function runsOnPullRequests(trigger: unknown): boolean {
  if (!isRecord(trigger)) return true;
  const event = trigger.event;
  if (event === undefined) return true;
  const list = Array.isArray(event)
    ? event
    : isRecord(event) && Array.isArray(event.include)
      ? event.include
      : [event];
  const excluded = isRecord(event) && Array.isArray(event.exclude) && event.exclude.includes('pull_request');
  return list.includes('pull_request') && !excluded;
}

/** `[key, secret name]` of every `from_secret` in an environment or settings map. */
export function secretsOf(env: unknown): [string, string][] {
  if (!isRecord(env)) return [];
  return Object.entries(env).flatMap(([key, value]): [string, string][] =>
    isRecord(value) && typeof value.from_secret === 'string' ? [[key, value.from_secret]] : [],
  );
}

/** Each command must start in the base worktree: `cd .review-base && ...`. */
function runsBaseTooling(commands: unknown): boolean {
  if (!Array.isArray(commands) || commands.length === 0) return false;
  const start = new RegExp(`^cd\\s+(\\./)?${BASE_WORKTREE.replace('.', '\\.')}\\s*&&`);
  return commands.every((c) => typeof c === 'string' && start.test(c.trim()));
}

/** A pull-request pipeline: secrets at pipeline level, in services, or anywhere but the comment step. */
export function checkPullRequestSecrets(pipeline: Json, report: Report): void {
  for (const [key] of secretsOf(pipeline.environment))
    report(
      ['environment', key],
      `runs on pull requests and gives every step the secret of ${key}; expected no secret in a pull-request pipeline`,
    );
  for (const section of ['steps', 'services'] as const) {
    const list = pipeline[section];
    if (!Array.isArray(list)) continue;
    list.forEach((step: unknown, i) => {
      if (!isRecord(step)) return;
      const label = `${section === 'steps' ? 'step' : 'service'} "${typeof step.name === 'string' ? step.name : i}"`;
      for (const part of ['environment', 'settings'] as const)
        for (const [key, secret] of secretsOf(step[part])) {
          if (secret !== COMMENT_SECRET || section !== 'steps') {
            report(
              [section, i, part, key],
              `${label} runs on pull requests with the secret ${secret}; a pull request's code must never hold a production credential (only ${COMMENT_SECRET}, for the comment)`,
            );
          } else if (!runsBaseTooling(step.commands)) {
            report(
              [section, i, 'commands'],
              `${label} holds ${COMMENT_SECRET} but does not run the target branch's tooling; expected every command to start with "cd ${BASE_WORKTREE} &&"`,
            );
          }
        }
    });
  }
}

const INSTALL =
  /(?:^|[\s;&|(])(apt-get\s+(?:-\S+\s+)*install|apt\s+install|apk\s+add|pip3?\s+install|npm\s+(?:install|i|ci|clean-install)\b|yarn\s+(?:add|install)|dnf\s+install|yum\s+install)/;

/** A step that holds a secret and installs packages: any install script would run with the secret in reach. */
export function checkInstallWithSecret(step: Json, label: string, base: Path, report: Report): void {
  const secrets = [...secretsOf(step.environment), ...secretsOf(step.settings)];
  if (secrets.length === 0 || !Array.isArray(step.commands)) return;
  step.commands.forEach((command: unknown, j) => {
    if (typeof command !== 'string') return;
    const match = INSTALL.exec(command);
    if (match)
      report(
        [...base, 'commands', j],
        `${label} installs packages ("${match[1]!.trim()}") while holding the secret ${secrets[0]![1]}; expected a prepared image or an earlier step without secrets`,
      );
  });
}

/** Why an image reference is not pinned by digest, or undefined when it is. */
export function imageProblem(image: string): string | undefined {
  if (/@sha256:[0-9a-f]{64}$/.test(image)) return undefined;
  if (image.includes('@')) return 'has a malformed digest; expected @sha256: and 64 hex digits';
  return 'is not pinned by digest; a tag can be moved. Expected name:tag@sha256:<64 hex digits>';
}
