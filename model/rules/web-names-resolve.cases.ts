// The cases of web-names-resolve, run by test/rules.cases.test.ts: each edits a fixture organisation and
// expects exactly these findings of this rule alone.
import { withValues } from '../../dns/lookups.ts';
import type { RuleCases } from '../../inventory/rules/rule.ts';
import type { Model } from '../derive.ts';

export const cases: RuleCases<Model> = [
  {
    name: 'a web name without AAAA',
    fixture: ['dns/org'],
    change: (m) => ({ ...m, dns: withValues(m.dns, 'code.test.example.org', 'AAAA', []) }),
    findings: [
      'vms.yaml:25:9  vms[1].services[0]  web name code.test.example.org has no AAAA record; expected its proxies (or its VM) to have public IPv6 addresses',
    ],
  },
  {
    name: 'a web name without A when its service needs IPv4',
    fixture: ['dns/org'],
    change: (m) => ({ ...m, dns: withValues(m.dns, 'code.test.example.org', 'A', []) }),
    findings: [
      'vms.yaml:25:9  vms[1].services[0]  web name code.test.example.org has no A record, but its service must be reachable over IPv4; expected its proxies (or its VM) to have a public IPv4 address',
    ],
  },
];
