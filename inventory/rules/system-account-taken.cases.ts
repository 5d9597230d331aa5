// The cases of system-account-taken, run by test/rules.cases.test.ts: each edits a fixture organisation and
// expects exactly these findings of this rule alone.
import type { Inventory } from '../inventory.ts';
import type { RuleCases } from './rule.ts';

export const cases: RuleCases<Inventory> = [
  {
    name: 'a member named like a Debian system account',
    fixture: ['inventory/base', 'members'],
    edit: { 'members.yaml': (t) => t.replace('user: cy', 'user: www-data') },
    findings: [
      'members.yaml:21:11  members[2].user  "www-data" is a Debian system account (base-passwd); as a member login it would take over that account on every VM; expected a name no system account has',
    ],
  },
  {
    name: "a member named like a package's account",
    fixture: ['inventory/base', 'members'],
    edit: { 'members.yaml': (t) => t.replace('user: cy', 'user: postgres') },
    findings: [
      'members.yaml:21:11  members[2].user  "postgres" is the account the postgresql package creates; as a member login it would take over that account on every VM; expected a name no system account has',
    ],
  },
  {
    name: 'a bootstrap admin named root',
    fixture: ['inventory/base', 'members'],
    edit: { 'org.yaml': (t) => t.replace('user: bootstrap', 'user: root') },
    findings: [
      'org.yaml:9:9  admin.user  "root" is a Debian system account (base-passwd); as the bootstrap admin it would take over that account on every VM; expected a name no system account has',
    ],
  },
  {
    name: 'a member named like an account the baseline creates',
    fixture: ['inventory/base', 'members'],
    edit: { 'members.yaml': (t) => t.replace('user: cy', 'user: borg') },
    findings: [
      'members.yaml:21:11  members[2].user  "borg" is an account or group the baseline creates; as a member login it would take over that account on every VM; expected a name no system account has',
    ],
  },
  {
    name: "a monitoring user named like a package's account",
    fixture: ['inventory/base', 'members'],
    edit: {
      'org.yaml': (t) =>
        `${t}monitoring:\n  sources: ["2001:db8:1::e/128"]\n  ssh_key: ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIMpp2LT8+u9pryI9Y559in2DVSOImUaHO6Jcj6DlM4NY icinga@fixture\n  user: prosody\n`,
    },
    findings: [
      'org.yaml:15:9  monitoring.user  "prosody" is the account the prosody package creates; as the monitoring user it would take over that account on every VM; expected a name no system account has',
    ],
  },
];
