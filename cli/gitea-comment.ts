// `npm run review:comment -- FILE...`: posts the files (Markdown) as the pull request's one review comment on Gitea,
// editing it on later runs. Reads GITEA_TOKEN, GITEA_URL (or DRONE_REPO_LINK) and Drone's repository variables.
import { existsSync, readFileSync } from 'node:fs';
import { GiteaError, targetFromEnv, upsertComment } from '../review/gitea.ts';
import { commonOptions } from './args.ts';

const options = commonOptions(process.argv.slice(2), {
  name: 'review:comment',
  summary:
    "Posts the Markdown files as the pull request's one review comment on Gitea, editing it on later runs. Reads GITEA_TOKEN, GITEA_URL (or DRONE_REPO_LINK) and Drone's repository variables.",
  args: 'FILE...',
  example: 'npm run review:comment -- cdktf.out/review/*.md',
  exits: ['the comment was posted or updated', 'Gitea refused or could not be reached'],
});
if (options.positionals.length === 0) {
  process.stderr.write(
    'usage: npm run review:comment -- FILE... (Markdown parts, joined in order; - for stdin)\n',
  );
  process.exit(2);
}

const parts: string[] = [];
for (const file of options.positionals) {
  if (file === '-') parts.push(readFileSync(0, 'utf8'));
  else if (existsSync(file)) parts.push(readFileSync(file, 'utf8'));
  // A plan summary is missing when the plan was skipped (no secrets); the rest is still worth posting.
  else process.stderr.write(`gitea-comment: ${file} does not exist; left out\n`);
}
const body = parts
  .map((p) => p.trim())
  .filter(Boolean)
  .join('\n\n---\n\n');

const where = targetFromEnv(process.env);
if (body === '') {
  process.stdout.write('gitea-comment: not commenting: nothing to post\n');
} else if ('skip' in where) {
  process.stdout.write(`gitea-comment: not commenting: ${where.skip}\n`);
} else {
  const { owner, repo, index } = where.target;
  try {
    const result = await upsertComment(where.target, `${body}\n`);
    process.stdout.write(
      `gitea-comment: ${result.action} comment ${result.id} on ${owner}/${repo}#${index}\n`,
    );
  } catch (err) {
    if (!(err instanceof GiteaError)) throw err;
    process.stderr.write(`gitea-comment: ${err.message}\n`);
    process.exitCode = 1;
  }
}
