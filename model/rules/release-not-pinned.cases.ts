// The cases of release-not-pinned, run by test/rules.cases.test.ts: each edits a fixture organisation and
// expects exactly these findings of this rule alone.
import type { RuleCases } from '../../inventory/rules/rule.ts';
import type { Model } from '../derive.ts';

export const cases: RuleCases<Model> = [
  {
    name: 'gitea with an empty releases.yaml',
    fixture: ['services/good'],
    edit: { 'releases.yaml': () => 'releases: {}\n' },
    findings: [
      'vms.yaml:39:15  vms[2].services[0].kind  gitea is not packaged in Debian and runs from an upstream release, but inventory/releases.yaml pins none; expected releases.gitea with version, url and sha256 (docs/services.md, "Releases from upstream")',
    ],
  },
  {
    name: 'no releases.yaml: nothing installs from upstream yet',
    fixture: ['services/good'],
    findings: [],
  },
];
