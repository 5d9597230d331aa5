// `tsx cli/review-comment.ts --dir cdktf.out/review --base REF --head REF`: builds the pull request's comment
// (comment.md) from the parts the review steps wrote there (diff.md, access.md, plan-*.md); full-diff.md is the
// uncut diff (written by `diff --full`, else a copy of diff.md). Exits 1 when the comment had to be cut (the review
// then fails, and says so at the top).
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildComment, splitCaution, toolingFiles } from '../review/comment.ts';
import { MARKER, MAX_BODY } from '../review/gitea.ts';
import { commonOptions } from './args.ts';

const options = commonOptions(process.argv.slice(2), {
  name: 'review:comment',
  summary:
    "Builds the pull request's comment (comment.md) from the parts the review steps wrote; exit 1 when it had to be cut.",
  options: {
    dir: { type: 'string', default: 'cdktf.out/review', arg: 'DIR', help: 'where the review parts are' },
    base: { type: 'string', arg: 'REF', help: 'the target branch (required): which tooling files changed' },
    head: { type: 'string', default: 'HEAD', arg: 'REF', help: 'the pull request' },
    limit: { type: 'string', default: String(MAX_BODY), arg: 'CHARS', help: 'the longest comment body' },
  },
  example: 'tsx cli/review-comment.ts --dir cdktf.out/review --base origin/main',
  exits: ['the comment was written whole', 'the comment had to be cut (it says so at the top)'],
  inventory: false,
});
const dir = String(options.values.dir);
const base = options.values.base;
const limit = Number(options.values.limit);
if (typeof base !== 'string' || !Number.isInteger(limit) || limit < 2_000) {
  process.stderr.write(
    'usage: tsx cli/review-comment.ts --base REF [--head REF] [--dir cdktf.out/review] [--limit CHARS]\n',
  );
  process.exit(2);
}
const read = (name: string): string =>
  existsSync(join(dir, name)) ? readFileSync(join(dir, name), 'utf8') : '';

const changed = spawnSync('git', ['diff', '--name-only', `${base}...${String(options.values.head)}`], {
  encoding: 'utf8',
});
if (changed.status !== 0) {
  process.stderr.write(`review-comment: cannot list the changed files: ${changed.stderr.trim()}\n`);
  process.exit(1);
}
const diff = read('diff.md');
const { caution, rest } = splitCaution(diff);
const artifact = join(dir, 'full-diff.md');
if (!existsSync(artifact)) writeFileSync(artifact, diff);
const comment = buildComment(
  {
    tooling: toolingFiles(changed.stdout.split('\n').filter(Boolean)),
    caution,
    access: read('access.md'),
    plans: readdirSync(dir)
      .filter((f) => /^plan-.*\.md$/.test(f))
      .sort()
      .map(read),
    diff: rest,
    artifact,
  },
  limit - MARKER.length - 1,
);
writeFileSync(join(dir, 'comment.md'), comment.body);
process.stdout.write(`review-comment: ${join(dir, 'comment.md')}: ${comment.body.length} characters\n`);
if (comment.cut.length > 0) {
  process.stderr.write(
    `review-comment: CUT ${comment.cut.join(', ')}; the full diff is ${artifact}. The review fails until the comment fits.\n`,
  );
  process.exitCode = 1;
}
