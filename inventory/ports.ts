// The port range: one value type for a port or an inclusive range of ports, parsed once where the inventory
// (vms.yaml's extra_ports) and the catalog (services/kinds/) state one; each renderer writes it in its own
// language (nftables `A-B`, the Proxmox firewall `A:B`, messages `A-B/udp`).

export interface PortRange {
  /** First port, 1..65535. */
  readonly from: number;
  /** Last port, inclusive; equal to `from` for a single port. */
  readonly to: number;
}

/** A single port (`portRange(443)`) or an inclusive range (`portRange(16384, 32768)`). */
export function portRange(from: number, to: number = from): PortRange {
  return { from, to };
}

export function isSinglePort(range: PortRange): boolean {
  return range.from === range.to;
}

/** Whether two ranges share a port. */
export function overlaps(a: PortRange, b: PortRange): boolean {
  return a.from <= b.to && b.from <= a.to;
}

/** Whether `port` lies inside `range`. */
export function includesPort(range: PortRange, port: number): boolean {
  return range.from <= port && port <= range.to;
}

/** `443` or `10000-20000`, as vms.yaml writes it and as messages quote it. */
export function portRangeText(range: PortRange): string {
  return isSinglePort(range) ? String(range.from) : `${range.from}-${range.to}`;
}
