// The cases of os-without-image, run by test/rules.cases.test.ts: each edits a fixture organisation and
// expects exactly these findings of this rule alone.
import type { Inventory } from '../inventory.ts';
import type { RuleCases } from './rule.ts';

export const cases: RuleCases<Inventory> = [
  {
    name: 'no image pinned for debian-13',
    change: (inv) => ({ ...inv, images: { 'debian-12': inv.images['debian-12']! } }),
    findings: [
      'vms.yaml:57:9  vms[3].os  debian-13 has no pinned image; expected "debian-13: { url: <dated release URL>, sha512: <its SHA-512> }" under images: in images.yaml',
      'vms.yaml:73:9  vms[4].os  debian-13 has no pinned image; expected "debian-13: { url: <dated release URL>, sha512: <its SHA-512> }" under images: in images.yaml',
    ],
  },
];
