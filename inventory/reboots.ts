// Reboot turns after automatic upgrades: each VM's time inside its window, the VMs of one anti-affinity group
// spaced apart. Inventory-level data, used by the catalog's checks and by the baseline alike.
import type { Inventory } from './inventory.ts';
import type { Vm } from './vms.schema.ts';

const DAY = 24 * 60;

/** Minutes after midnight of `HH:MM`. */
export function minutes(hhmm: string): number {
  const [h, m] = hhmm.split(':').map(Number);
  return (h ?? 0) * 60 + (m ?? 0);
}

export function clock(total: number): string {
  const m = ((total % DAY) + DAY) % DAY;
  return `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;
}

/** Start and length (minutes) of a `HH:MM-HH:MM` window; a window may run past midnight. */
export function parseWindow(window: string): { start: number; length: number } {
  const [from = '00:00', to = '00:00'] = window.split('-');
  const start = minutes(from);
  return { start, length: (minutes(to) - start + DAY) % DAY };
}

export interface RebootProblem {
  readonly vmIndex: number;
  /** Field of the VM the problem is about. */
  readonly field: 'reboot_window' | 'anti_affinity';
  readonly message: string;
}

export interface RebootSchedule {
  /** Reboot time (HH:MM) per VM name. */
  readonly times: ReadonlyMap<string, string>;
  readonly problems: readonly RebootProblem[];
}

export function rebootWindowOf(inventory: Inventory, vm: Vm): string {
  return vm.reboot_window ?? inventory.org.upgrades.reboot_window;
}

/**
 * When each VM reboots after upgrades. A VM alone reboots at the start of its window; the VMs of one
 * anti-affinity group (two proxies, the DNS secondaries) take turns, `reboot_spacing` minutes apart in
 * vms.yaml order, so one of them always serves while the other restarts. Computed once per load by
 * model/derive.ts: the reboot-turns rule reports its problems, the renderers read its times.
 */
export function rebootSchedule(inventory: Inventory): RebootSchedule {
  const { reboot_spacing: spacing } = inventory.org.upgrades;
  const times = new Map<string, string>();
  const problems: RebootProblem[] = [];
  const slotOf = new Map<number, number>();
  const groups = new Map<string, number[]>();

  inventory.vms.forEach((vm, vmIndex) => {
    const window = parseWindow(rebootWindowOf(inventory, vm));
    if (window.length === 0) {
      problems.push({
        vmIndex,
        field: 'reboot_window',
        message: `window "${rebootWindowOf(inventory, vm)}" is empty; expected an end later than its start`,
      });
    }
    if (!vm.anti_affinity) {
      slotOf.set(vmIndex, window.start);
      return;
    }
    groups.set(vm.anti_affinity, [...(groups.get(vm.anti_affinity) ?? []), vmIndex]);
  });

  for (const [group, members] of groups) {
    members.forEach((vmIndex, turn) => {
      const vm = inventory.vms[vmIndex]!;
      const window = parseWindow(rebootWindowOf(inventory, vm));
      const offset = turn * spacing;
      if (offset >= window.length && window.length > 0) {
        problems.push({
          vmIndex,
          field: vm.reboot_window ? 'reboot_window' : 'anti_affinity',
          message: `reboot turn ${turn + 1} of group "${group}" falls ${offset} minutes into a window of ${window.length}; expected a window of at least ${members.length * spacing - spacing + 1} minutes for ${members.length} VMs ${spacing} minutes apart`,
        });
      }
      slotOf.set(vmIndex, window.start + offset);
    });
    // Different windows inside one group can still bring two reboots too close together.
    for (let i = 0; i < members.length; i++) {
      for (let j = 0; j < i; j++) {
        const a = slotOf.get(members[i]!)!;
        const b = slotOf.get(members[j]!)!;
        const gap = Math.min((((a - b) % DAY) + DAY) % DAY, (((b - a) % DAY) + DAY) % DAY);
        if (gap < spacing) {
          problems.push({
            vmIndex: members[i]!,
            field: inventory.vms[members[i]!]!.reboot_window ? 'reboot_window' : 'anti_affinity',
            message: `reboots at ${clock(a)}, ${gap} minutes from "${inventory.vms[members[j]!]!.name}" of group "${group}" at ${clock(b)}; expected at least ${spacing} minutes apart`,
          });
        }
      }
    }
  }
  inventory.vms.forEach((vm, vmIndex) => {
    times.set(vm.name, clock(slotOf.get(vmIndex) ?? 0));
  });
  return { times, problems };
}
