// Rule: an image's URL is of the release its entry names (its code name or number in the path), so a
// debian-12 entry never boots Debian 13 by a copied URL and checksum.
import { DEBIAN_RELEASES, type DebianRelease } from '../images.schema.ts';
import { inventoryRule, reporter } from './rule.ts';

/** How Debian's image URLs name each release: the code name directory and the file name's number. */
const RELEASE_NAMES: Readonly<Record<DebianRelease, readonly string[]>> = {
  'debian-12': ['bookworm', 'debian-12'],
  'debian-13': ['trixie', 'debian-13'],
};

/** The releases whose code name or number appears in the URL as a whole path part or file name prefix. */
function releasesNamedBy(url: string): DebianRelease[] {
  const parts = url.split('/').slice(3);
  return DEBIAN_RELEASES.filter((release) =>
    RELEASE_NAMES[release].some((n) => parts.some((p) => p === n || p.startsWith(`${n}-`))),
  );
}

export const imageReleaseMismatch = inventoryRule('image-release-mismatch', (inventory) => {
  const report = reporter();
  for (const release of DEBIAN_RELEASES) {
    const image = inventory.images[release];
    if (!image) continue;
    const named = releasesNamedBy(image.url);
    const others = named.filter((r) => r !== release);
    const expected = `expected a URL of ${release} (with "${RELEASE_NAMES[release].join('" or "')}" in its path)`;
    if (others.length > 0)
      report.error(
        'images',
        ['images', release, 'url'],
        `is the image of ${others.map((r) => `${RELEASE_NAMES[r][0]} (${r})`).join(', ')}, not ${release}; ${expected}`,
      );
    else if (named.length === 0)
      report.error('images', ['images', release, 'url'], `names no Debian release; ${expected}`);
  }
  return report.findings;
});
