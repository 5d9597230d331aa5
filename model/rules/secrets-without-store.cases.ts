// The cases of secrets-without-store, run by test/rules.cases.test.ts: each edits a fixture organisation and
// expects exactly these findings of this rule alone.
import type { RuleCases } from '../../inventory/rules/rule.ts';
import type { Model } from '../derive.ts';

/** A throwaway public key (the shipped example's deploy key, whose private half was never kept). */
const STORE =
  '\nsecrets:\n  deploy_key: ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOpX1Cp6y8TG/rbf6QLTSx6c912gbB7qm8GA8Kf/UJoC deploy@example.org\n';
const withMumble = (t: string): string =>
  t.replace(
    'services: [{ kind: prosody, domain: fixture.example.org }]',
    'services: [{ kind: prosody, domain: fixture.example.org }, mumble]',
  );

export const cases: RuleCases<Model> = [
  {
    name: 'coturn in an organisation without a store',
    fixture: ['services/broken'],
    findings: [
      "vms.yaml:55:9  vms[3].services[1].kind  coturn takes the site's TURN secret (static-auth-secret, shared with Jitsi, Synapse and BigBlueButton) from the secrets store, but org.yaml declares no store; expected secrets.deploy_key in org.yaml (docs/secrets.md)",
    ],
  },
  {
    name: 'mumble added to the fixture, which has no store',
    edit: { 'vms.yaml': withMumble },
    findings: [
      'vms.yaml:208:64  vms[13].services[1].kind  mumble takes its SuperUser password from the secrets store, but org.yaml declares no store; expected secrets.deploy_key in org.yaml (docs/secrets.md)',
    ],
  },
  {
    name: 'mumble with a store declared',
    edit: { 'vms.yaml': withMumble, 'org.yaml': (t) => `${t}${STORE}` },
    findings: [],
  },
  {
    name: 'a stand-alone videobridge without a store',
    edit: {
      'vms.yaml': (t) =>
        t
          .replace('services: [{ kind: prosody, domain: fixture.example.org }]', 'services: [jitsi-meet]')
          .replace(
            '[{ kind: synapse, domain: im.fixture.example.org, server_name: fixture.example.org, db: db1 }]',
            '[jitsi-videobridge]',
          ),
    },
    findings: [
      'vms.yaml:157:16  vms[9].services[0].kind  jitsi-videobridge takes the password it joins its Meet servers with (jvb.conf) from the secrets store, but org.yaml declares no store; expected secrets.deploy_key in org.yaml (docs/secrets.md)',
    ],
  },
  {
    name: 'none of these kinds: no store needed',
    findings: [],
  },
];
