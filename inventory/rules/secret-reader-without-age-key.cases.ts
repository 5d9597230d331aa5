// The cases of secret-reader-without-age-key, run by test/rules.cases.test.ts: each edits a fixture organisation and
// expects exactly these findings of this rule alone.
import type { Inventory } from '../inventory.ts';
import type { RuleCases } from './rule.ts';

export const cases: RuleCases<Inventory> = [
  {
    name: 'secrets granted to a member with only an ECDSA key',
    fixture: ['inventory/base', 'members'],
    edit: {
      'roles.yaml': (t) =>
        t.replace('forge_teams: [developers]', 'forge_teams: [developers]\n    secrets: { vms: [git] }'),
      'members.yaml': (t) =>
        t.replace(
          /ssh-ed25519 \S+ cy@test/,
          'ecdsa-sha2-nistp256 AAAAE2VjZHNhLXNoYTItbmlzdHAyNTYAAAAIbmlzdHAyNTYAAABBBESIqgQJ4c76gXkms+7elEjxRPUuPmReTHsuUjGJkZ/MW4x3ss0Dc6icEupC9oiJpyFmezm1RMB7Biuk2SKOj+c= cy@test',
        ),
    },
    findings: [
      'members.yaml:25:7  members[2].keys  has no key age can encrypt to, but role "developer" grants secrets (age refuses ECDSA and sk-* security keys); expected an ssh-ed25519 or ssh-rsa key, or an "age:" recipient (age-keygen -y)',
    ],
  },
  {
    name: 'the same member with an age recipient',
    fixture: ['inventory/base', 'members'],
    edit: {
      'roles.yaml': (t) =>
        t.replace('forge_teams: [developers]', 'forge_teams: [developers]\n    secrets: { vms: [git] }'),
      'members.yaml': (t) =>
        t
          .replace(
            /ssh-ed25519 \S+ cy@test/,
            'ecdsa-sha2-nistp256 AAAAE2VjZHNhLXNoYTItbmlzdHAyNTYAAAAIbmlzdHAyNTYAAABBBESIqgQJ4c76gXkms+7elEjxRPUuPmReTHsuUjGJkZ/MW4x3ss0Dc6icEupC9oiJpyFmezm1RMB7Biuk2SKOj+c= cy@test',
          )
          .replace(
            'roles: [developer]',
            'age: age14y5tkwplulenhd3qaq5tv0cjdqr2tc4g2r4hlag637zld6nl69ssryddnu\n    roles: [developer]',
          ),
    },
    findings: [],
  },
];
