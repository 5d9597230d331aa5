// Rule: two releases never share a SHA-512: one digest is one file, so one of the two entries is a copy.
import { DEBIAN_RELEASES } from '../images.schema.ts';
import { inventoryRule, reporter } from './rule.ts';

export const imageChecksumUsedTwice = inventoryRule('image-checksum-used-twice', (inventory) => {
  const report = reporter();
  const first = new Map<string, string>();
  for (const release of DEBIAN_RELEASES) {
    const image = inventory.images[release];
    if (!image) continue;
    const other = first.get(image.sha512);
    if (other)
      report.error(
        'images',
        ['images', release, 'sha512'],
        `is the checksum of the ${other} image too; expected each image's own SHA-512 from its release's SHA512SUMS`,
      );
    else first.set(image.sha512, release);
  }
  return report.findings;
});
