// One Debian cloud image downloaded onto a Proxmox storage, ready to be imported as a VM's boot disk.
import { Construct } from 'constructs';
import { DownloadFile } from '../.gen/providers/proxmox/download-file/index.ts';

/** Debian's generic cloud images: qcow2, cloud-init ready, the same on every Proxmox node. */
export const DEBIAN_IMAGES = {
  'debian-12': {
    url: 'https://cloud.debian.org/images/cloud/bookworm/latest/debian-12-genericcloud-amd64.qcow2',
    fileName: 'debian-12-genericcloud-amd64.qcow2',
  },
  'debian-13': {
    url: 'https://cloud.debian.org/images/cloud/trixie/latest/debian-13-genericcloud-amd64.qcow2',
    fileName: 'debian-13-genericcloud-amd64.qcow2',
  },
} as const;

export type DebianRelease = keyof typeof DEBIAN_IMAGES;

export interface DebianImageProps {
  /** Which Debian release. */
  readonly release: DebianRelease;
  /** Node that performs the download (any node, for shared storage). */
  readonly node: string;
  /** Storage id; it must allow `import` content. */
  readonly storage: string;
}

export class DebianImage extends Construct {
  /** Volume id for a disk's `import_from`. */
  readonly volumeId: string;

  constructor(scope: Construct, id: string, props: DebianImageProps) {
    super(scope, id);
    const image = DEBIAN_IMAGES[props.release];
    const download = new DownloadFile(this, 'download', {
      nodeName: props.node,
      datastoreId: props.storage,
      contentType: 'import',
      url: image.url,
      fileName: image.fileName,
      // Debian refreshes "latest" weekly; keep what was downloaded instead of replacing it on every
      // upstream build. Disks import the image only when a VM is created.
      overwrite: false,
    });
    download.overrideLogicalId(id);
    this.volumeId = download.id;
  }
}
