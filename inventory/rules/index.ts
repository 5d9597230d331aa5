// The inventory's rules, in the order they run: readInventory (inventory/inventory.ts) runs them all on the
// inventory as the schemas parsed it. A new rule is a file in this folder named after what it forbids, its
// cases beside it (`<name>.cases.ts`), and one line here; test/rules.cases.test.ts fails on a file left out.
import { addressUsedTwice } from './address-used-twice.ts';
import { antiAffinityBroken } from './anti-affinity-broken.ts';
import { cephStorageMismatch } from './ceph-storage-mismatch.ts';
import { derivedZoneListed } from './derived-zone-listed.ts';
import { diskOnUnfitStorage } from './disk-on-unfit-storage.ts';
import { duplicateMember } from './duplicate-member.ts';
import { duplicateRole } from './duplicate-role.ts';
import { forgeLoginUsedTwice } from './forge-login-used-twice.ts';
import { gatewayOutsidePrefix } from './gateway-outside-prefix.ts';
import { haOnSingleNode } from './ha-on-single-node.ts';
import { imageChecksumUsedTwice } from './image-checksum-used-twice.ts';
import { imageReleaseMismatch } from './image-release-mismatch.ts';
import { keyOfTwoIdentities } from './key-of-two-identities.ts';
import { keyUsedTwice } from './key-used-twice.ts';
import { membershipExpired } from './membership-expired.ts';
import { nPlusOneBroken } from './n-plus-one-broken.ts';
import { networkWithoutPrefix } from './network-without-prefix.ts';
import { nicOnForeignNetwork } from './nic-on-foreign-network.ts';
import { noAdminLeft } from './no-admin-left.ts';
import { nodeDefinedTwice } from './node-defined-twice.ts';
import { nodeOutsideManagement } from './node-outside-management.ts';
import { nodeOverCapacity } from './node-over-capacity.ts';
import { osWithoutImage } from './os-without-image.ts';
import { overlappingPrefixes } from './overlapping-prefixes.ts';
import { proxmoxPathMatchesNothing } from './proxmox-path-matches-nothing.ts';
import { reservedUser } from './reserved-user.ts';
import { secretReaderWithoutAgeKey } from './secret-reader-without-age-key.ts';
import { sponsorLacksRole } from './sponsor-lacks-role.ts';
import { sponsorNotMember } from './sponsor-not-member.ts';
import { sshSelectorMatchesNothing } from './ssh-selector-matches-nothing.ts';
import { storageDefinedTwice } from './storage-defined-twice.ts';
import { systemAccountTaken } from './system-account-taken.ts';
import { unfitSnippetsOrBackupStorage } from './unfit-snippets-or-backup-storage.ts';
import { uniqueNames } from './unique-names.ts';
import { unknownPlacement } from './unknown-placement.ts';
import { unknownRole } from './unknown-role.ts';
import { unknownSite } from './unknown-site.ts';
import { unsafeCephPool } from './unsafe-ceph-pool.ts';
import { vmAddressOutsidePrefix } from './vm-address-outside-prefix.ts';
import { vmIdUsedTwice } from './vm-id-used-twice.ts';
import { vmNameTakenByStack } from './vm-name-taken-by-stack.ts';
import { zoneListedTwice } from './zone-listed-twice.ts';
import type { InventoryRule } from './rule.ts';

export const INVENTORY_RULES: readonly InventoryRule[] = [
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
  imageReleaseMismatch,
  imageChecksumUsedTwice,
  unknownPlacement,
  diskOnUnfitStorage,
  haOnSingleNode,
  nicOnForeignNetwork,
  vmAddressOutsidePrefix,
  antiAffinityBroken,
  nodeOverCapacity,
  nPlusOneBroken,
  vmNameTakenByStack,
  zoneListedTwice,
  derivedZoneListed,
  duplicateMember,
  duplicateRole,
  reservedUser,
  systemAccountTaken,
  unknownRole,
  sshSelectorMatchesNothing,
  proxmoxPathMatchesNothing,
  keyUsedTwice,
  keyOfTwoIdentities,
  forgeLoginUsedTwice,
  sponsorNotMember,
  sponsorLacksRole,
  membershipExpired,
  noAdminLeft,
  secretReaderWithoutAgeKey,
];
