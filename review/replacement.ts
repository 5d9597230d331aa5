// Which attribute changes make Terraform replace a resource instead of updating it, per resource type.
//
// Read from the pinned providers' schemas (ForceNew in the SDKv2 resources, RequiresReplace in the
// plugin-framework ones, and the CustomizeDiff rules) of bpg/proxmox v0.111.1 and hashicorp/dns v3.6.1.
// Attribute paths leave out list indexes: `disk.file_id` covers `disk[2].file_id`.

export interface ReplacementRule {
  /** Attribute path without indexes; a change at or below it forces replacement. */
  readonly attribute: string;
  /** Only a change of an existing value counts, not adding or removing the block (efi_disk, tpm_state). */
  readonly onlyWhenChanged?: boolean;
  /** The provider moves the VM instead when `migrate = true` (node_name). */
  readonly unlessMigrate?: boolean;
}

const VM: readonly ReplacementRule[] = [
  { attribute: 'vm_id' },
  { attribute: 'node_name', unlessMigrate: true },
  { attribute: 'amd_sev' },
  { attribute: 'clone.datastore_id' },
  { attribute: 'clone.node_name' },
  { attribute: 'clone.vm_id' },
  { attribute: 'clone.full' },
  { attribute: 'clone.retries' },
  { attribute: 'disk.file_id' },
  { attribute: 'efi_disk.type', onlyWhenChanged: true },
  { attribute: 'tpm_state.version', onlyWhenChanged: true },
  { attribute: 'initialization.type' },
  { attribute: 'initialization.user_data_file_id' },
  { attribute: 'initialization.vendor_data_file_id' },
  { attribute: 'initialization.network_data_file_id' },
  { attribute: 'initialization.meta_data_file_id' },
];

const FILE: readonly ReplacementRule[] = [
  { attribute: 'content_type' },
  { attribute: 'datastore_id' },
  { attribute: 'file_mode' },
  { attribute: 'node_name' },
  { attribute: 'source_file' },
  { attribute: 'source_raw' },
];

const DOWNLOAD_FILE: readonly ReplacementRule[] = [
  { attribute: 'content_type' },
  { attribute: 'datastore_id' },
  { attribute: 'node_name' },
  { attribute: 'file_name' },
  { attribute: 'url' },
  { attribute: 'checksum' },
  { attribute: 'checksum_algorithm' },
  { attribute: 'decompression_algorithm' },
  { attribute: 'size' },
];

const DNS_RECORD: readonly ReplacementRule[] = [
  { attribute: 'zone' },
  { attribute: 'name' },
  { attribute: 'ttl' },
];

export const REPLACEMENT_RULES: Readonly<Record<string, readonly ReplacementRule[]>> = {
  proxmox_virtual_environment_vm: VM,
  proxmox_virtual_environment_file: FILE,
  proxmox_virtual_environment_download_file: DOWNLOAD_FILE,
  proxmox_download_file: DOWNLOAD_FILE,
  proxmox_virtual_environment_pool: [{ attribute: 'pool_id' }],
  proxmox_virtual_environment_firewall_ipset: [{ attribute: 'cidr' }],
  proxmox_backup_job: [{ attribute: 'id' }],
  proxmox_virtual_environment_harule: [{ attribute: 'rule' }, { attribute: 'type' }],
  proxmox_harule: [{ attribute: 'rule' }, { attribute: 'type' }],
  dns_a_record_set: DNS_RECORD,
  dns_aaaa_record_set: DNS_RECORD,
  dns_cname_record: DNS_RECORD,
  dns_mx_record_set: DNS_RECORD,
  dns_ns_record_set: DNS_RECORD,
  dns_ptr_record: DNS_RECORD,
  dns_srv_record_set: DNS_RECORD,
  dns_txt_record_set: DNS_RECORD,
  // Terraform's builtin resource: only its triggers force a new instance.
  terraform_data: [{ attribute: 'triggers_replace' }],
};

/** `disk[1].file_id` → `disk.file_id`. */
export function withoutIndexes(path: string): string {
  return path.replace(/\[\d+\]/g, '');
}

export interface LeafChange {
  readonly path: string;
  readonly kind: 'added' | 'removed' | 'changed';
}

/** The rule a change of one attribute runs into, if any; `after` is the new resource configuration. */
export function replacementRule(
  type: string,
  change: LeafChange,
  after: Readonly<Record<string, unknown>> | undefined,
): ReplacementRule | undefined {
  const rules = REPLACEMENT_RULES[type];
  if (!rules) return undefined;
  const path = withoutIndexes(change.path);
  return rules.find((rule) => {
    if (path !== rule.attribute && !path.startsWith(`${rule.attribute}.`)) return false;
    if (rule.onlyWhenChanged && change.kind !== 'changed') return false;
    if (rule.unlessMigrate && after?.migrate === true) return false;
    return true;
  });
}
