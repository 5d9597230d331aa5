// The bpg/proxmox provider of one cluster: its API endpoint, and the nodes it uploads cloud-init snippets to.
import type { Construct } from 'constructs';
import { ProxmoxProvider } from '../.gen/providers/proxmox/provider/index.ts';

export interface ProxmoxClusterProviderProps {
  /** The cluster's API endpoint, e.g. `https://pve1.example.org:8006/`. */
  readonly endpoint: string;
  /** Every node by name with the address the provider reaches it on over SSH (its IPv6 management address). */
  readonly sshNodes: readonly { readonly name: string; readonly address: string }[];
}

/**
 * Credentials come from the environment: PROXMOX_VE_API_TOKEN for the API; PROXMOX_VE_SSH_USERNAME and
 * PROXMOX_VE_SSH_PRIVATE_KEY (or an agent) for the SSH uploads of cloud-init snippets, which go to the
 * nodes listed here instead of the addresses the API reports.
 */
export class ProxmoxClusterProvider extends ProxmoxProvider {
  constructor(scope: Construct, id: string, props: ProxmoxClusterProviderProps) {
    if (props.sshNodes.length === 0)
      throw new Error(`ProxmoxClusterProvider ${id}: no nodes given; expected every node of the cluster`);
    super(scope, id, {
      endpoint: props.endpoint,
      ssh: [{ nodeAttribute: props.sshNodes.map((n) => ({ name: n.name, address: n.address })) }],
    });
  }
}
