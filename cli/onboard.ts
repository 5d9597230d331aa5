// `npm run onboard -- --user alice --name "Alice Liddell" --email alice@example.org --key alice.pub --role webmaster
// --sponsor chris`: adds the member to members.yaml (comments and order kept), checks, prints what they gain.
import { readFileSync } from 'node:fs';
import { formatFinding } from '../inventory/findings.ts';
import type { Member } from '../inventory/members.schema.ts';
import { publicKeyFileLine } from '../inventory/ssh-key.ts';
import { memberAccess } from '../members/access.ts';
import { changeLines, describeChange } from '../members/describe.ts';
import { addMember, EditError } from '../members/edit.ts';
import { recipientChangeLines, recipientChanges } from '../members/secret-changes.ts';
import { applyMembersEdit, membersFile, membersFileExists } from '../members/membership.ts';
import { commonOptions, TODAY_OPTION } from './args.ts';

const USAGE =
  'usage: npm run onboard -- --user USER --name "FULL NAME" --email EMAIL --key FILE.pub [--key ...] --role ROLE [--role ...] --sponsor USER [--since YYYY-MM-DD] [--until YYYY-MM-DD] [--matrix @USER:SERVER] [--inventory DIR]';

const options = commonOptions(process.argv.slice(2), {
  name: 'onboard',
  summary: 'Adds a member to members.yaml (comments and order kept), checks, and prints what they gain.',
  options: {
    user: { type: 'string', arg: 'USER', help: 'login name (required)' },
    name: { type: 'string', arg: 'TEXT', help: 'full name (required)' },
    email: { type: 'string', arg: 'ADDRESS', help: 'e-mail address (required)' },
    key: { type: 'string', multiple: true, arg: 'FILE', help: 'an SSH public key file (at least one)' },
    role: { type: 'string', multiple: true, arg: 'ROLE', help: 'a role of roles.yaml (at least one)' },
    sponsor: { type: 'string', arg: 'USER', help: 'the member vouching for them (required)' },
    since: { type: 'string', arg: 'YYYY-MM-DD', help: 'membership start (default: today)' },
    until: { type: 'string', arg: 'YYYY-MM-DD', help: 'membership end' },
    matrix: { type: 'string', arg: 'ID', help: 'Matrix ID' },
    today: TODAY_OPTION,
  },
  example:
    'npm run onboard -- --user alice --name "Alice Liddell" --email alice@example.org --key alice.pub --role webmaster --sponsor chris',
  exits: ['added', 'missing or bad fields, or the result does not validate (members.yaml unchanged)'],
});
const v = options.values;
const text = (key: string): string | undefined =>
  typeof v[key] === 'string' ? (v[key] as string) : undefined;
const list = (key: string): string[] => (Array.isArray(v[key]) ? (v[key] as string[]) : []);
const [user, name, email, sponsor] = [text('user'), text('name'), text('email'), text('sponsor')];
if (!user || !name || !email || !sponsor || list('key').length === 0 || list('role').length === 0) {
  process.stderr.write(`${USAGE}\n`);
  process.exit(2);
}
if (!membersFileExists(options.inventory)) {
  process.stderr.write(
    `onboard: ${membersFile(options.inventory)} does not exist; expected the members file\n`,
  );
  process.exit(1);
}

const keys: string[] = [];
for (const file of list('key')) {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    process.stderr.write(
      `onboard: cannot read ${file} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}); expected a public key file such as alice.pub\n`,
    );
    process.exit(1);
  }
  // Only a public key file is read: the message never quotes the file (a private key, /etc/passwd).
  const key = publicKeyFileLine(text);
  if ('problem' in key) {
    process.stderr.write(`onboard: --key ${file} ${key.problem}; nothing written\n`);
    process.exit(1);
  }
  keys.push(key.line);
}
const today = text('today') ?? new Date().toISOString().slice(0, 10);
const member: Member = {
  user,
  name,
  email,
  keys,
  roles: list('role'),
  since: text('since') ?? today,
  sponsor,
  ...(text('until') ? { until: text('until')! } : {}),
  ...(text('matrix') ? { matrix: text('matrix')! } : {}),
};

try {
  const result = applyMembersEdit(options.inventory, (t) => addMember(t, member), today);
  for (const f of [...result.errors, ...result.warnings]) process.stdout.write(`${formatFinding(f)}\n`);
  if (!result.after) {
    process.stderr.write(
      `onboard: ${user} not added: the members file would not pass the check; nothing written\n`,
    );
    process.exit(1);
  }
  const added = result.after.members.find((m) => m.user === user)!;
  const change = describeChange(undefined, memberAccess(result.after, added));
  process.stdout.write(`added ${user} to ${membersFile(options.inventory)}\n`);
  for (const line of changeLines(change)) process.stdout.write(`${line}\n`);
  if (change.gains.length === 0)
    process.stdout.write(`${user} gains nothing yet: their roles grant no access\n`);
  const secrets = recipientChangeLines(recipientChanges(result.beforeModel, result.afterModel));
  for (const line of secrets) process.stdout.write(`${line}\n`);
  if (secrets.length > 0)
    process.stdout.write(
      `then: npm run secrets -- rekey (by someone who can read them) so ${user} can read the secrets above\n`,
    );
  process.stdout.write(
    `next: commit it in a pull request, signed with the new key (git commit -S), so the review can prove the key is theirs\n`,
  );
} catch (err) {
  if (!(err instanceof EditError)) throw err;
  process.stderr.write(`onboard: ${err.message}; nothing written\n`);
  process.exit(1);
}
