// The cases of image-checksum-used-twice, run by test/rules.cases.test.ts: each edits a fixture organisation and
// expects exactly these findings of this rule alone.
import type { Inventory } from '../inventory.ts';
import type { RuleCases } from './rule.ts';

export const cases: RuleCases<Inventory> = [
  {
    name: 'two releases with one SHA-512',
    change: (inv) => ({
      ...inv,
      images: {
        ...inv.images,
        'debian-13': { ...inv.images['debian-13']!, sha512: inv.images['debian-12']!.sha512 },
      },
    }),
    findings: [
      "images.yaml:8:13  images.debian-13.sha512  is the checksum of the debian-12 image too; expected each image's own SHA-512 from its release's SHA512SUMS",
    ],
  },
];
