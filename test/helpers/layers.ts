// The layer order of the repository's folders, top (imported by everything) to bottom: the source that
// test/layers.test.ts enforces and that docs/development.md's layout table describes.

/** Folders in import order: a folder may import only folders listed before it. */
export const LAYERS: readonly string[] = [
  'inventory',
  'services',
  'dns',
  'model',
  'members',
  'baseline',
  'monitoring',
  'constructs',
  'stacks',
  'providers',
  'review',
  'bench',
  'cli',
  'test',
];
