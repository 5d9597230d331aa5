// The cases of database-in-another-site, run by test/rules.cases.test.ts: each edits a fixture organisation and
// expects exactly these findings of this rule alone.
import type { RuleCases } from '../../inventory/rules/rule.ts';
import type { Model } from '../derive.ts';

export const cases: RuleCases<Model> = [
  {
    name: 'gitea without db: in a site without PostgreSQL',
    fixture: ['services/good'],
    edit: {
      'vms.yaml': (t) =>
        t.replace(
          '      - { kind: prosody, domain: test.example.org }\n    extra_ports:',
          '      - { kind: prosody, domain: test.example.org }\n      - nginx-proxy\n      - { kind: gitea, domain: code.test.example.org }\n    extra_ports:',
        ),
    },
    findings: [
      'vms.yaml:67:17  vms[4].services[2].kind  gitea needs postgresql, but site "two" has none, and a database in another site is never chosen silently; expected an explicit db: (one of db)',
    ],
  },
];
