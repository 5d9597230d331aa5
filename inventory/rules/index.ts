// The inventory's rules, in the order they run; readInventory (inventory/inventory.ts) runs them all.
// A new rule is a new file in this folder, named after what it forbids, and one line here.
import { addressUsedTwice } from './address-used-twice.ts';
import { antiAffinityBroken } from './anti-affinity-broken.ts';
import { cephStorageMismatch } from './ceph-storage-mismatch.ts';
import { diskOnUnfitStorage } from './disk-on-unfit-storage.ts';
import { gatewayOutsidePrefix } from './gateway-outside-prefix.ts';
import { haOnSingleNode } from './ha-on-single-node.ts';
import { nPlusOneBroken } from './n-plus-one-broken.ts';
import { networkWithoutPrefix } from './network-without-prefix.ts';
import { nicOnForeignNetwork } from './nic-on-foreign-network.ts';
import { nodeDefinedTwice } from './node-defined-twice.ts';
import { nodeOutsideManagement } from './node-outside-management.ts';
import { nodeOverCapacity } from './node-over-capacity.ts';
import { osWithoutImage } from './os-without-image.ts';
import { overlappingPrefixes } from './overlapping-prefixes.ts';
import type { Rule } from './rule.ts';
import { storageDefinedTwice } from './storage-defined-twice.ts';
import { unfitSnippetsOrBackupStorage } from './unfit-snippets-or-backup-storage.ts';
import { uniqueNames } from './unique-names.ts';
import { unknownPlacement } from './unknown-placement.ts';
import { unknownSite } from './unknown-site.ts';
import { unsafeCephPool } from './unsafe-ceph-pool.ts';
import { vmAddressOutsidePrefix } from './vm-address-outside-prefix.ts';
import { vmIdUsedTwice } from './vm-id-used-twice.ts';
import { vmNameTakenByStack } from './vm-name-taken-by-stack.ts';

// reboot-turns-clash runs later, with the catalog's rules, once every reference resolves (model/load.ts).
export const INVENTORY_RULES: readonly Rule[] = [
  uniqueNames,
  unknownSite,
  networkWithoutPrefix,
  gatewayOutsidePrefix,
  overlappingPrefixes,
  storageDefinedTwice,
  unsafeCephPool,
  cephStorageMismatch,
  unfitSnippetsOrBackupStorage,
  nodeDefinedTwice,
  nodeOutsideManagement,
  addressUsedTwice,
  vmIdUsedTwice,
  osWithoutImage,
  unknownPlacement,
  diskOnUnfitStorage,
  haOnSingleNode,
  nicOnForeignNetwork,
  vmAddressOutsidePrefix,
  antiAffinityBroken,
  nodeOverCapacity,
  nPlusOneBroken,
  vmNameTakenByStack,
];
