// The cases of key-used-twice, run by test/rules.cases.test.ts: each edits a fixture organisation and
// expects exactly these findings of this rule alone.
import type { Inventory } from '../inventory.ts';
import type { RuleCases } from './rule.ts';

export const cases: RuleCases<Inventory> = [
  {
    name: "ada's key again for cy, with another comment",
    fixture: ['inventory/base', 'members'],
    edit: {
      'members.yaml': (t) =>
        t.replace(
          /- ssh-ed25519 \S+ cy@test/,
          '- ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIDzepZuQ/dD9gOxp6v8cfWWPNazNZxpq3mx10M56FDg2 cy-laptop',
        ),
    },
    findings: [
      "members.yaml:25:9  members[2].keys[0]  key SHA256:yuzA0QQNE9PzxqrNn7YK9HbIuL+SOOX5tRtyrn2gIuo is used twice (it is ada's key, at members[0].keys[0]); expected one key per person",
    ],
  },
];
