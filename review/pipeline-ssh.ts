// The pipeline rule for SSH to the Proxmox nodes: a step that applies a stack uploading cloud-init snippets
// needs the SSH username and key from Drone secrets and the pinned known_hosts, and no step may turn host key
// checking off. One rule, called by review/pipeline-check.ts for every step.
import type { Path } from '../inventory/findings.ts';
import { PROXMOX_KNOWN_HOSTS } from '../stacks/node-ssh.ts';

/** The provider's own environment variables for the SSH uploads (the pinned bpg/proxmox). */
export const SSH_SECRETS = ['PROXMOX_VE_SSH_USERNAME', 'PROXMOX_VE_SSH_PRIVATE_KEY'] as const;

/** The artifact an applying step installs as ~/.ssh/known_hosts, relative to the workspace. */
export const KNOWN_HOSTS_ARTIFACT = `cdktf.out/artifacts/${PROXMOX_KNOWN_HOSTS}`;

type Json = Readonly<Record<string, unknown>>;

export interface SshStep {
  /** `step "apply"`. */
  readonly label: string;
  /** The step's own path inside its pipeline document. */
  readonly base: Path;
  readonly step: Json;
  /** The pipeline-wide `environment`, which Drone gives every step. */
  readonly pipelineEnvironment: unknown;
}

export type Report = (path: Path, message: string, key?: boolean) => void;

/** A command that applies Terraform changes: `terraform apply`, `tofu apply`, `cdktf deploy`. */
export function appliesStacks(commands: readonly string[]): boolean {
  return commands.some(
    (command) =>
      /(?:^|[\s;&|(])(?:terraform|tofu)\b[^;&|\n]*\sapply\b/.test(command) ||
      /(?:^|[\s;&|(])(?:npx\s+)?cdktf\s+deploy\b/.test(command),
  );
}

function isRecord(value: unknown): value is Json {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function commandsOf(step: Json): string[] {
  return Array.isArray(step.commands) ? step.commands.filter((c): c is string => typeof c === 'string') : [];
}

/** How a variable reaches the step: from a secret, written inline, or not at all. */
function source(name: string, ...environments: unknown[]): 'secret' | 'inline' | 'missing' {
  for (const env of environments) {
    if (!isRecord(env) || !(name in env)) continue;
    const value = env[name];
    return isRecord(value) && typeof value.from_secret === 'string' ? 'secret' : 'inline';
  }
  return 'missing';
}

/**
 * Findings for one step. `snippetStacks` are the stacks that upload snippets (stacks/node-ssh.ts); when there
 * are none, applying needs no SSH and only the host-key rule applies.
 */
export function checkSshStep(s: SshStep, snippetStacks: readonly string[], report: Report): void {
  const commands = commandsOf(s.step);
  commands.forEach((command, i) => {
    if (
      /StrictHostKeyChecking\s*=?\s*(no|off|accept-new)\b|UserKnownHostsFile\s*=?\s*\/dev\/null/i.test(
        command,
      )
    ) {
      report(
        [...s.base, 'commands', i],
        `${s.label}: turns SSH host key checking off; expected the pinned keys of ${KNOWN_HOSTS_ARTIFACT}`,
      );
    }
  });
  if (snippetStacks.length === 0 || !appliesStacks(commands)) return;

  const stacks = snippetStacks.join(', ');
  const where: Path = isRecord(s.step.environment) ? [...s.base, 'environment'] : [...s.base, 'name'];
  for (const name of SSH_SECRETS) {
    const how = source(name, s.step.environment, s.pipelineEnvironment);
    if (how === 'secret') continue;
    report(
      how === 'inline' && isRecord(s.step.environment) && name in s.step.environment
        ? [...where, name]
        : where,
      `${s.label} applies stacks that upload cloud-init snippets over SSH (${stacks}) but ${
        how === 'inline' ? `writes ${name} inline` : `has no ${name}`
      }; expected "${name}: { from_secret: ${name.toLowerCase()} }"`,
      how === 'missing',
    );
  }
  if (!commands.some((command) => command.includes(KNOWN_HOSTS_ARTIFACT))) {
    report(
      [...s.base, 'commands'],
      `${s.label} applies stacks that upload cloud-init snippets over SSH (${stacks}) but never installs ${KNOWN_HOSTS_ARTIFACT}; expected it copied to ~/.ssh/known_hosts before terraform runs, else the provider trusts the nodes' keys on first use`,
      true,
    );
  }
}
