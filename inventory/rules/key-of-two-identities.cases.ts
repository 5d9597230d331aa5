// The cases of key-of-two-identities, run by test/rules.cases.test.ts: each edits a fixture organisation and
// expects exactly these findings of this rule alone.
import type { Inventory } from '../inventory.ts';
import type { RuleCases } from './rule.ts';

export const cases: RuleCases<Inventory> = [
  {
    name: "a member holding the bootstrap admin's key",
    fixture: ['inventory/base', 'members'],
    edit: {
      'members.yaml': (t) =>
        t.replace(
          /- ssh-ed25519 \S+ cy@test/,
          '- ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIH33+594P7UtwBu7C67bdC0PNyrYrWDQTSJ7isih8vGp cy@test',
        ),
    },
    findings: [
      "members.yaml:25:9  members[2].keys[0]  key SHA256:ACOKJuvVXGdgCPCV0sugF3pBA+XNFl4+qqnpr4BTyRo is already the bootstrap admin's key; expected each identity (member, bootstrap admin, monitoring user) to have keys of its own",
    ],
  },
  {
    name: "a member holding the monitoring user's key",
    fixture: ['inventory/base', 'members'],
    edit: {
      'org.yaml': (t) =>
        `${t}monitoring:\n  sources: ["2001:db8:1::e/128"]\n  ssh_key: ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIM63rSJofh9PY67fRhyHUl3pUS2RiJhd42LVr0dxnZzb\n`,
    },
    findings: [
      "members.yaml:25:9  members[2].keys[0]  key SHA256:qzqbuEyXdKGQYYSP8ix3s8XnrN+dkH4lrFmW49LAOXA is already the monitoring user's key; expected each identity (member, bootstrap admin, monitoring user) to have keys of its own",
    ],
  },
];
