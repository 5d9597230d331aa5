// The cases of sources-miss-own-hosts, run by test/rules.cases.test.ts: each edits a fixture organisation and
// expects exactly these findings of this rule alone.
import type { RuleCases } from '../../inventory/rules/rule.ts';
import type { Model } from '../derive.ts';

export const cases: RuleCases<Model> = [
  {
    name: 'a jump host outside ssh.sources',
    change: (m) => ({
      ...m,
      inventory: {
        ...m.inventory,
        org: { ...m.inventory.org, ssh: { ...m.inventory.org.ssh, sources: [] } },
      },
    }),
    findings: [
      'org.yaml:21:12  ssh.sources  VM "jump" runs ssh-jump but 2001:db8:3::f, 198.51.100.13 are not inside ssh.sources; expected a prefix containing them',
    ],
  },
];
