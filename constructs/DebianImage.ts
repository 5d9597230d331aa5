// One Debian cloud image downloaded onto a Proxmox storage, verified against its SHA-512, ready to be imported as a VM's boot disk.
import { Construct } from 'constructs';
import { DownloadFile } from '../.gen/providers/proxmox/download-file/index.ts';

export interface DebianImageProps {
  /** Node that performs the download (any node, for shared storage). */
  readonly node: string;
  /** Storage id; it must allow `import` content. */
  readonly storage: string;
  /** The dated release URL of the image. */
  readonly url: string;
  /** SHA-512 of the image; Proxmox refuses a download that does not match. */
  readonly sha512: string;
  /** File name on the storage; it must end in `.qcow2` for Proxmox to import it. */
  readonly fileName: string;
}

export class DebianImage extends Construct {
  /** Volume id for a disk's `import_from`. */
  readonly volumeId: string;

  constructor(scope: Construct, id: string, props: DebianImageProps) {
    super(scope, id);
    if (!/^[0-9a-f]{128}$/.test(props.sha512)) {
      throw new Error(`image ${id}: sha512 "${props.sha512}" is not 128 lower-case hexadecimal digits`);
    }
    if (!props.fileName.endsWith('.qcow2')) {
      throw new Error(`image ${id}: file name "${props.fileName}" does not end in .qcow2`);
    }
    const download = new DownloadFile(this, 'download', {
      nodeName: props.node,
      datastoreId: props.storage,
      contentType: 'import',
      url: props.url,
      fileName: props.fileName,
      checksum: props.sha512,
      checksumAlgorithm: 'sha512',
      // The URL names one build, so there is nothing newer to fetch; without size checks a plan also keeps
      // working after Debian prunes the dated directory. A new image is a new URL, which replaces this file.
      overwrite: false,
    });
    download.overrideLogicalId(id);
    this.volumeId = download.id;
  }
}
