// The cases of public-name-clash, run by test/rules.cases.test.ts: each edits a fixture organisation and
// expects exactly these findings of this rule alone.
import type { RuleCases } from '../../inventory/rules/rule.ts';
import type { Model } from '../derive.ts';

export const cases: RuleCases<Model> = [
  {
    name: "a web name that is another VM's own name",
    fixture: ['services/broken'],
    findings: [
      'vms.yaml:67:36  vms[4].services[0].domain  name "cloud.test.example.org" is the FQDN of VM "cloud" but would point at the proxies; expected a name that is not a VM\'s own',
    ],
  },
  {
    name: "a new alias that takes another service's name",
    edit: {
      'vms.yaml': (t) =>
        t.replace(
          'aliases: [forge.fixture.example.org]',
          'aliases: [forge.fixture.example.org, im.fixture.example.org]',
        ),
    },
    findings: [
      'vms.yaml:49:102  vms[2].services[0].aliases[1]  name "im.fixture.example.org" is already served by synapse on matrix; expected each public name once',
    ],
  },
];
