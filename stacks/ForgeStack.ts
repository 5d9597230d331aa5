// The forge stack: the forge organisation's teams (from roles.yaml) and their members (from members.yaml), and Drone's OAuth application in Gitea.
import { IndependentStack } from '../constructs/IndependentStack.ts';
import type { Construct } from 'constructs';
import { DroneOauthApp } from '../constructs/DroneOauthApp.ts';
import { GiteaTeams } from '../constructs/GiteaTeams.ts';
import { GithubTeams } from '../constructs/GithubTeams.ts';
import type { ForgePlan } from '../members/forge.ts';
import { configureBackend } from './backend.ts';
import { FORGE_STACK } from './naming.ts';

export interface ForgeStackProps {
  /** The teams and memberships (members/forge.ts). */
  readonly plan: ForgePlan;
  /** The Drone servers that log in through Gitea: their VM and redirect URI. @default none */
  readonly drone?: readonly { readonly vm: string; readonly redirectUri: string }[];
  /** Environment the backend settings come from. @default process.env */
  readonly env?: NodeJS.ProcessEnv;
}

/**
 * A stack of its own, not part of a cluster stack: the forge is one API with its own token, so a forge that
 * is down holds up no Proxmox access change, and a broken cluster holds up no team change.
 */
export class ForgeStack extends IndependentStack {
  constructor(scope: Construct, props: ForgeStackProps) {
    super(scope, FORGE_STACK);
    const { plan } = props;
    const teams = {
      organisation: plan.organisation,
      ...(plan.url !== undefined ? { url: plan.url } : {}),
      teams: plan.teams,
      owners: plan.owners,
    };
    if (plan.kind === 'gitea') {
      new GiteaTeams(this, 'gitea', teams);
      // Terraform configures services: the application is Gitea's to make, like the teams.
      for (const drone of props.drone ?? []) new DroneOauthApp(this, `drone-oauth-${drone.vm}`, drone);
    } else new GithubTeams(this, 'github', teams);
    configureBackend(this, FORGE_STACK, props.env ?? process.env);
  }
}
