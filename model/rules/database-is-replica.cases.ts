// The cases of database-is-replica, run by test/rules.cases.test.ts: each edits a fixture organisation and
// expects exactly these findings of this rule alone.
import type { RuleCases } from '../../inventory/rules/rule.ts';
import type { Model } from '../derive.ts';

export const cases: RuleCases<Model> = [
  {
    name: 'a db: that names the streaming replica',
    edit: {
      'vms.yaml': (t) =>
        t.replace(
          'aliases: [forge.fixture.example.org], db: db1',
          'aliases: [forge.fixture.example.org], db: db2',
        ),
    },
    findings: [
      'vms.yaml:49:107  vms[2].services[0].db  names "db2", a streaming replica of "db1" (read-only); expected the primary: db: db1',
    ],
  },
];
