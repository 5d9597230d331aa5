// The cases of image-release-mismatch, run by test/rules.cases.test.ts: each edits a fixture organisation and
// expects exactly these findings of this rule alone.
import type { Inventory } from '../inventory.ts';
import type { RuleCases } from './rule.ts';

export const cases: RuleCases<Inventory> = [
  {
    name: 'a debian-12 entry with the URL of Debian 13',
    change: (inv) => ({ ...inv, images: { ...inv.images, 'debian-12': inv.images['debian-13']! } }),
    findings: [
      'images.yaml:4:10  images.debian-12.url  is the image of trixie (debian-13), not debian-12; expected a URL of debian-12 (with "bookworm" or "debian-12" in its path)',
    ],
  },
  {
    name: 'a URL that names no release',
    change: (inv) => ({
      ...inv,
      images: {
        ...inv.images,
        'debian-13': {
          ...inv.images['debian-13']!,
          url: 'https://images.fixture.example.org/x/20260101-1000/disk-20260101-1000.qcow2',
        },
      },
    }),
    findings: [
      'images.yaml:7:10  images.debian-13.url  names no Debian release; expected a URL of debian-13 (with "trixie" or "debian-13" in its path)',
    ],
  },
];
