// Drone's OAuth application in Gitea, with the go-gitea/gitea provider: Gitea makes its client id and secret, the stack outputs them.
import { TerraformOutput } from 'cdktf';
import { Construct } from 'constructs';
import { Oauth2App } from '../.gen/providers/gitea/oauth2-app/index.ts';

export interface DroneOauthAppProps {
  /** The Drone server's VM: names the application (`drone-<vm>`) and the outputs. */
  readonly vm: string;
  /** Where Gitea sends a login back: https://<Drone's web name>/login. */
  readonly redirectUri: string;
}

/** The output names a maintainer reads the credentials from (docs/services.md, model/secret-needs.ts). */
export function droneOauthOutputs(vm: string): { readonly clientId: string; readonly clientSecret: string } {
  return { clientId: `drone_oauth_client_id_${vm}`, clientSecret: `drone_oauth_client_secret_${vm}` };
}

/**
 * One OAuth2 application per Drone server, made by the stack's Gitea provider (GiteaTeams configures it).
 * Gitea generates the credentials and reports the secret only when it creates the application; they reach
 * Drone through the secrets store, copied from the outputs once (`terraform output -raw ... | npm run secrets
 * -- set ...`), because the store is an input of the run that would produce them.
 */
export class DroneOauthApp extends Construct {
  constructor(scope: Construct, id: string, props: DroneOauthAppProps) {
    super(scope, id);
    if (!/^https:\/\/[^\s/]+\/login$/.test(props.redirectUri))
      throw new Error(
        `DroneOauthApp: redirect URI ${JSON.stringify(props.redirectUri)}; expected https://<Drone's name>/login`,
      );
    const app = new Oauth2App(this, 'app', {
      name: `drone-${props.vm}`,
      redirectUris: [props.redirectUri],
      // Drone's server keeps the secret: a confidential client, not a public one that must use PKCE.
      confidentialClient: true,
    });
    app.overrideLogicalId(`drone_${props.vm.replaceAll('-', '_')}`);
    const names = droneOauthOutputs(props.vm);
    new TerraformOutput(this, 'client-id', { value: app.clientId }).overrideLogicalId(names.clientId);
    new TerraformOutput(this, 'client-secret', {
      value: app.clientSecret,
      sensitive: true,
    }).overrideLogicalId(names.clientSecret);
  }
}
