// `npm run plan:summary -- PLAN.json [--max-lines N] [--title TEXT]`: Markdown summary of a saved plan for a PR comment.
import { PlanError, readPlan } from '../review/plan.ts';
import { summarizePlan } from '../review/plan-summary.ts';
import { commonOptions } from './args.ts';

const USAGE =
  'usage: npm run plan:summary -- PLAN.json [--max-lines N] [--title TEXT]   (PLAN.json from "terraform show -json PLANFILE")';

const options = commonOptions(process.argv.slice(2), {
  name: 'plan:summary',
  summary:
    'Markdown summary of a saved plan (terraform show -json) for a pull request comment, destroys first.',
  args: 'PLAN.json',
  options: {
    'max-lines': { type: 'string', default: '300', arg: 'N', help: 'cut the summary after this many lines' },
    title: { type: 'string', arg: 'TEXT', help: 'the heading' },
  },
  example: 'npm run --silent plan:summary -- cdktf.out/stacks/dns/plan.json --title "Plan: dns"',
  exits: ['printed', 'the plan file cannot be read'],
});
const file = options.positionals[0];
const maxLines = Number(options.values['max-lines']);
if (!file || options.positionals.length > 1 || !Number.isInteger(maxLines) || maxLines < 1) {
  process.stderr.write(`${USAGE}\n`);
  process.exit(2);
}
const title = options.values.title;

try {
  const plan = readPlan(file);
  process.stdout.write(summarizePlan(plan, { maxLines, ...(typeof title === 'string' ? { title } : {}) }));
} catch (err) {
  if (!(err instanceof PlanError)) throw err;
  process.stderr.write(`plan:summary: ${err.message}\n`);
  process.exitCode = 1;
}
