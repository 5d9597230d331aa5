// `npm run access:review -- --base REF`: the access section of the pull request comment (Markdown, empty when
// access does not change): who gains or loses what, and whether each new key signed a commit of REF..HEAD.
import { spawnSync } from 'node:child_process';
import { realpathSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import { loadInventory } from '../model/load.ts';
import { renderAccessReview, reviewAccess } from '../review/access-review.ts';
import { inventoryAt } from '../review/inventory-at.ts';
import { renderSecretRecipients } from '../review/secret-recipients.ts';
import { commonOptions } from './args.ts';
import { inventorySummary, printFindings } from './report.ts';

const options = commonOptions(process.argv.slice(2), {
  name: 'access:review',
  summary:
    'The access section of the pull request comment (Markdown, empty when access does not change): who gains or loses what, and whether each new key signed a commit of BASE..HEAD.',
  options: {
    base: { type: 'string', arg: 'REF', help: 'the target branch to compare with (required)' },
    head: { type: 'string', default: 'HEAD', arg: 'REF', help: 'the pull request head' },
  },
  example: 'npm run --silent access:review -- --base origin/main > cdktf.out/review/00-access.md',
  exits: [
    'the section was printed',
    'not in a git repository, an unknown REF, or an inventory that does not load',
  ],
});
const base = options.values.base;
if (typeof base !== 'string') {
  process.stderr.write(
    'usage: npm run access:review -- --base REF [--head REF] [--inventory DIR] [--json]\n',
  );
  process.exit(2);
}
const top = spawnSync('git', ['rev-parse', '--show-toplevel'], { encoding: 'utf8' });
if (top.status !== 0) {
  process.stderr.write('access:review: not inside a git repository\n');
  process.exit(1);
}
const root = realpathSync(top.stdout.trim());
const known = spawnSync('git', ['rev-parse', '--verify', '--quiet', `${base}^{commit}`], { cwd: root });
if (known.status !== 0) {
  process.stderr.write(
    `access:review: unknown revision "${base}"; expected a branch, tag or commit such as origin/main\n`,
  );
  process.exit(1);
}
const loaded = loadInventory(options.inventory);
if (!loaded.inventory) {
  printFindings(loaded, (line) => process.stderr.write(`${line}\n`));
  process.stderr.write(`${inventorySummary(loaded)}\n`);
  process.exit(1);
}
const dir = relative(root, realpathSync(resolve(options.inventory)));
try {
  const review = reviewAccess(root, base, String(options.values.head), dir, loaded.inventory);
  process.stdout.write(options.json ? `${JSON.stringify(review, null, 2)}\n` : renderAccessReview(review));
  // Who can read which secret (names only), after the access section.
  const secrets = renderSecretRecipients(inventoryAt(root, base, dir)?.model, loaded.model!);
  if (!options.json && secrets) process.stdout.write(`\n${secrets}`);
} catch (err) {
  process.stderr.write(`access:review: ${(err as Error).message}\n`);
  process.exit(1);
}
