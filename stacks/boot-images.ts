// Which pinned image each Debian VM's boot disk comes from, for the stacks and for reviewers.
import { type DebianRelease, type Image, imageFileName } from '../inventory/images.schema.ts';
import type { Inventory } from '../inventory/inventory.ts';
import type { Vm } from '../inventory/vms.schema.ts';

/** Where the list goes under `cdktf.out/artifacts/`. */
export const BOOT_IMAGES = 'images/boot-disks.txt';

/** The image a VM boots from; undefined for `os: other`. The loader guarantees every used release is pinned. */
export function bootImage(inventory: Inventory, vm: Vm): (Image & { release: DebianRelease }) | undefined {
  if (vm.os === 'other') return undefined;
  const image = inventory.images[vm.os];
  return image ? { ...image, release: vm.os } : undefined;
}

/**
 * One line per Debian VM: the image its boot disk is imported from when the VM is created. Proxmox uses the
 * image only then, so the diff of an image bump lists exactly the VMs that get the new build on their next
 * (re)creation, while the stacks' diff shows running VMs untouched.
 */
export function bootImagesReport(inventory: Inventory): string {
  const lines = [
    '# VM, cluster, release and image file its boot disk is imported from when the VM is (re)created.',
    '# A running VM keeps its disk; see inventory/images.yaml.',
  ];
  const vms = [...inventory.vms].sort((a, b) => a.name.localeCompare(b.name));
  for (const vm of vms) {
    const image = bootImage(inventory, vm);
    if (image) lines.push(`${vm.name} ${vm.cluster} ${image.release} ${imageFileName(image)}`);
  }
  return `${lines.join('\n')}\n`;
}
