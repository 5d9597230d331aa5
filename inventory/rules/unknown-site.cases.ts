// The cases of unknown-site, run by test/rules.cases.test.ts: each edits a fixture organisation and
// expects exactly these findings of this rule alone.
import type { Inventory } from '../inventory.ts';
import type { RuleCases } from './rule.ts';

export const cases: RuleCases<Inventory> = [
  {
    name: 'a network in a site sites.yaml lacks',
    change: (inv) => ({
      ...inv,
      networks: inv.networks.map((n) => (n.name === 'two-mgmt' ? { ...n, site: 'three' } : n)),
    }),
    findings: [
      'networks.yaml:33:11  networks[4].site  site "three" is not in sites.yaml; expected one of one, two',
    ],
  },
];
