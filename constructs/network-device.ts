// One NIC as the object Terraform takes for the VM's `network_device` attribute: all eleven keys, unset ones null.
import type { VmNic } from './DebianVm.ts';

/**
 * The pinned bpg/proxmox declares `network_device` with SDKv2's SchemaConfigModeAttr, so Terraform reads it
 * as an attribute of type list(object({...})): an object missing any key is a type error ("attributes
 * ... are required"), where a block would have filled the gaps with null.
 */
export function networkDevice(nic: VmNic): Record<string, string | number | boolean | null> {
  return {
    bridge: nic.bridge,
    disconnected: null,
    enabled: null,
    firewall: true,
    mac_address: null,
    model: 'virtio',
    mtu: null,
    queues: null,
    rate_limit: null,
    trunks: null,
    vlan_id: nic.vlan ?? null,
  };
}
