// The cases of unknown-service-entry, run by test/rules.cases.test.ts: each edits a fixture organisation and
// expects exactly these findings of this rule alone.
import type { RuleCases } from '../../inventory/rules/rule.ts';
import type { Model } from '../derive.ts';

export const cases: RuleCases<Model> = [
  {
    name: 'a misspelt kind and a misspelt parameter',
    fixture: ['services/broken'],
    findings: [
      'vms.yaml:40:15  vms[2].services[0].kind  unknown service kind "gittea"; did you mean "gitea"?',
      'vms.yaml:79:26  vms[5].services[0].domian  prosody has no parameter "domian"; did you mean "domain"?',
    ],
  },
];
