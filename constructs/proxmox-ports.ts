// How the Proxmox firewall writes a port range: `443`, or `16384:32768` (its own, iptables-like form).
import { isSinglePort, type PortRange } from '../inventory/ports.ts';

export function proxmoxPorts(range: PortRange): string {
  return isSinglePort(range) ? String(range.from) : `${range.from}:${range.to}`;
}
