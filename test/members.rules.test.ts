// The member and role files through `npm run check`: the fixture organisation passes, a missing roles.yaml,
// the schemas and free text, each located at its field (each rule's own cases are beside it, inventory/rules/<rule>.cases.ts).
import { rmSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { formatFinding } from '../inventory/findings.ts';
import { loadInventory } from '../model/load.ts';
import { FIXTURE_TODAY, fixtureOrg, replace } from './helpers/members.ts';

function check(
  edits: Parameters<typeof fixtureOrg>[0],
  today = FIXTURE_TODAY,
): { errors: string[]; warnings: string[] } {
  const dir = fixtureOrg(edits);
  const result = loadInventory(dir, { today });
  const show = (f: Parameters<typeof formatFinding>[0]): string => formatFinding(f).replace(`${dir}/`, '');
  return { errors: result.errors.map(show), warnings: result.warnings.map(show) };
}

describe('member and role rules', () => {
  it('the fixture organisation passes every rule', () => {
    expect(check({})).toEqual({ errors: [], warnings: [] });
  });

  it('an organisation without members.yaml needs no roles.yaml either', () => {
    const result = loadInventory('test/fixtures/inventory/base', { today: FIXTURE_TODAY });
    expect(result.errors).toEqual([]);
    expect(result.inventory?.members).toEqual([]);
  });

  it('members.yaml without roles.yaml is a located error', () => {
    const dir = fixtureOrg();
    rmSync(`${dir}/roles.yaml`);
    const result = loadInventory(dir, { today: FIXTURE_TODAY });
    expect(result.errors.map((f) => f.message)).toEqual([
      'is missing; expected a "roles:" list (members.yaml names roles)',
    ]);
  });

  it('schema: a bad user name, e-mail and date are located errors', () => {
    const { errors } = check({
      members: (t) =>
        t
          .replace('user: cy', 'user: Cy')
          .replace('email: cy@test.example.org', 'email: cy-at-test')
          .replace('since: 2025-06-01', 'since: 2025-13-01'),
    });
    expect(errors).toEqual([
      'members.yaml:21:11  members[2].user  "Cy" is not a safe Unix user name; expected lower-case letters, digits, "-" or "_", starting with a letter, at most 32',
      'members.yaml:23:12  members[2].email  "cy-at-test" is not an e-mail address; expected name@example.org',
      'members.yaml:27:12  members[2].since  "2025-13-01" is not a date; expected YYYY-MM-DD such as 2026-03-01',
    ]);
  });

  it('a DSA or malformed key is refused by the key schema', () => {
    const { errors } = check({
      members: (t) => t.replace(/- ssh-ed25519 (\S+) cy@test/, '- ssh-dss $1 cy@test'),
    });
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(
      /^members\.yaml:25:9 {2}members\[2\]\.keys\[0\] {2}"ssh-dss .*is a DSA \(ssh-dss\) key, which OpenSSH no longer accepts/,
    );
  });

  it('a name or description that holds a template, a control character or too many characters', () => {
    expect(
      check({ members: replace('name: Cy Twombly', `name: "Cy {{ q('pipe' ~ 'id') }}"`) }).errors,
    ).toEqual([
      `members.yaml:22:11  members[2].name  "Cy {{ q('pipe' ~ 'id') }}" has "{{", "{%" or "{#"; expected plain text (inventory text is never a template)`,
    ]);
    expect(check({ members: replace('name: Cy Twombly', 'name: "Cy \\e[31m"') }).errors).toEqual([
      'members.yaml:22:11  members[2].name  "Cy \\u001b[31m" has a line break or control character; expected one line of text',
    ]);
    expect(check({ members: replace('name: Cy Twombly', `name: ${'y'.repeat(101)}`) }).errors).toEqual([
      `members.yaml:22:11  members[2].name  "${'y'.repeat(80)}"… is longer than 100 characters; expected a short title`,
    ]);
    expect(
      check({
        roles: replace('description: Everything, everywhere.', 'description: "{% if 1 %}x{% endif %}"'),
      }).errors,
    ).toEqual([
      'roles.yaml:4:18  roles[0].description  "{% if 1 %}x{% endif %}" has "{{", "{%" or "{#"; expected plain text (inventory text is never a template)',
    ]);
  });
});
