// Rule: a service whose converge writes a secret from the store runs only where org.yaml declares a store.
import { reporter } from '../../inventory/rules/rule.ts';
import { kindPath } from '../../services/rule-helpers.ts';
import { modelRule } from './rule.ts';

/**
 * The kinds whose configuration cannot be written without the store, and what they take from it: coturn's
 * turnserver.conf holds the site's TURN secret, Mumble's SuperUser password is set from it, a stand-alone
 * videobridge logs in to its Meet servers with their account's password. Without a store the playbook has
 * no value to write: converge would stop at coturn and Mumble, and a bridge would know no Meet server.
 */
const FROM_THE_STORE: Readonly<Record<string, string>> = {
  coturn: "the site's TURN secret (static-auth-secret, shared with Jitsi, Synapse and BigBlueButton)",
  mumble: 'its SuperUser password',
  'jitsi-videobridge': 'the password it joins its Meet servers with (jvb.conf)',
};

export const secretsWithoutStore = modelRule('secrets-without-store', ({ inventory, services }) => {
  const { findings, error } = reporter();
  if (inventory.org.secrets) return findings;
  for (const i of services.instances) {
    const what = FROM_THE_STORE[i.kind];
    if (!what) continue;
    error(
      'vms',
      kindPath(i.vmIndex, i.index),
      `${i.kind} takes ${what} from the secrets store, but org.yaml declares no store; expected secrets.deploy_key in org.yaml (docs/secrets.md)`,
    );
  }
  return findings;
});
