// `npm run offboard -- --user alice`: removes the member from members.yaml (every other byte kept), checks, prints
// what they lose. On the VMs the account is locked and its keys removed on the next deploy; its files stay.
import { formatFinding } from '../inventory/findings.ts';
import { memberAccess } from '../members/access.ts';
import { changeLines, describeChange } from '../members/describe.ts';
import { EditError, removeMember } from '../members/edit.ts';
import { applyMembersEdit, membersFile, membersFileExists } from '../members/membership.ts';
import { offboardSecrets } from './offboard-secrets.ts';
import { commonOptions, STORE_OPTIONS, TODAY_OPTION } from './args.ts';

const options = commonOptions(process.argv.slice(2), {
  name: 'offboard',
  summary:
    'Removes a member from members.yaml (every other byte kept), checks, prints what they lose, re-encrypts the secrets and lists what to rotate.',
  options: {
    user: { type: 'string', arg: 'USER', help: 'the member to remove (required)' },
    today: TODAY_OPTION,
    ...STORE_OPTIONS,
  },
  example: 'npm run offboard -- --user alice',
  exits: ['removed', 'no such member, or the result does not validate (members.yaml unchanged)'],
});
const user = options.values.user;
if (typeof user !== 'string' || user === '') {
  process.stderr.write('usage: npm run offboard -- --user USER [--inventory DIR]\n');
  process.exit(2);
}
if (!membersFileExists(options.inventory)) {
  process.stderr.write(
    `offboard: ${membersFile(options.inventory)} does not exist; expected the members file\n`,
  );
  process.exit(1);
}
const today = typeof options.values.today === 'string' ? options.values.today : undefined;

try {
  const result = applyMembersEdit(options.inventory, (t) => removeMember(t, user), today);
  for (const f of [...result.errors, ...result.warnings]) process.stdout.write(`${formatFinding(f)}\n`);
  if (!result.after) {
    process.stderr.write(
      `offboard: ${user} not removed: the members file would not pass the check; nothing written\n`,
    );
    process.exit(1);
  }
  process.stdout.write(`removed ${user} from ${membersFile(options.inventory)}\n`);
  const old = result.before?.members.find((m) => m.user === user);
  if (result.before && old)
    for (const line of changeLines(describeChange(memberAccess(result.before, old), undefined)))
      process.stdout.write(`${line}\n`);
  if (old) for (const line of offboardSecrets(options, result, old)) process.stdout.write(`${line}\n`);
  process.stdout.write(
    // Honest about delivery: cloud-init runs at first boot only; running VMs change when the playbooks run.
    `on deploy: VMs created from now on get no account for ${user}; on VMs already running, npm run converge locks and expires the account and deletes its authorized_keys (its files stay)\n`,
  );
} catch (err) {
  if (!(err instanceof EditError)) throw err;
  process.stderr.write(`offboard: ${err.message}; nothing written\n`);
  process.exit(1);
}
