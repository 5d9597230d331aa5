// The cases of apt-key-not-pinned, run by test/rules.cases.test.ts: each edits a fixture organisation and
// expects exactly these findings of this rule alone.
import type { RuleCases } from '../../inventory/rules/rule.ts';
import type { Model } from '../derive.ts';

export const cases: RuleCases<Model> = [
  {
    name: 'synapse with a releases.yaml that pins no signing key',
    edit: { 'releases.yaml': () => 'releases: {}\n' },
    findings: [
      'vms.yaml:157:24  vms[9].services[0].kind  synapse comes from the upstream apt repository matrix-org, whose signing key inventory/releases.yaml does not pin; expected repositories.matrix-org.fingerprint (40 hex digits, checked against the key from https://packages.matrix.org/debian/matrix-org-archive-keyring.gpg)',
    ],
  },
  {
    name: "synapse with its repository's key pinned",
    edit: {
      'releases.yaml': () =>
        'releases: {}\nrepositories:\n  matrix-org: { fingerprint: AAF254E0E1A1C2B4E1B2C3D4E5F60718293A4B5C }\n',
    },
    findings: [],
  },
  {
    name: 'no releases.yaml: no upstream repository is set up yet',
    findings: [],
  },
];
