// What the simulated API does with one object: its id, the values it computes on apply, its full shape.
import { createHash } from 'node:crypto';
import type { ResourceSemantics } from '../semantics.ts';
import { fillTemplate } from './behaviour.ts';
import type { CtyType, SchemaAttribute, SchemaBlock } from './schema.ts';
import { isObjectValue, type ObjectValue, Unknown, type Value } from './values.ts';

const hash = (text: string): string => createHash('sha256').update(text).digest('hex');

/**
 * The id the real provider gives a new object (providers/<name>/semantics.json: the VMID, a volume id,
 * `path?group?role` for an ACL, the FQDN for a DNS record set, `team/user` for a Gitea membership); the
 * API's number for a team; a digest of the configuration, stable across runs, for types whose id the
 * semantics do not describe.
 */
export function objectId(type: string, planned: ObjectValue, semantics?: ResourceSemantics): string {
  for (const template of semantics?.id?.formats ?? []) {
    const id = fillTemplate(template, planned);
    if (id !== undefined) return id;
  }
  const shown = JSON.stringify(planned, (_k, v: unknown) => (v instanceof Unknown ? null : v));
  if (semantics?.id?.numbered) return String(parseInt(hash(`${type}\n${shown}`).slice(0, 8), 16));
  return `${type.replace(/^proxmox_(virtual_environment_)?/, '')}-${hash(`${type}\n${shown}`).slice(0, 12)}`;
}

/** A MAC address in Proxmox's own range (BC:24:11), fixed by the endpoint, the VM and the NIC's place. */
export function macAddress(endpoint: string, vmId: string, index: number): string {
  const bytes = hash(`${endpoint}/${vmId}/${index}`).slice(0, 6).toUpperCase();
  return `BC:24:11:${bytes.slice(0, 2)}:${bytes.slice(2, 4)}:${bytes.slice(4, 6)}`;
}

/** What apply computes for an attribute left unknown by the plan; null where the API would say nothing. */
function computedAttribute(
  type: string,
  name: string,
  object: ObjectValue,
  id: string,
  endpoint: string,
): Value {
  if (name === 'id') return id;
  // Gitea makes both when it creates the application; the provider keeps the client id as the resource's id.
  if (type === 'gitea_oauth2_app') {
    if (name === 'client_id') return id;
    if (name === 'client_secret') return `gto_${hash(`${endpoint}/${id}/secret`).slice(0, 40)}`;
  }
  if (type === 'proxmox_virtual_environment_vm') {
    if (name === 'vm_id') return Number(id);
    if (name === 'mac_addresses') {
      const nics = Array.isArray(object.network_device) ? object.network_device.length : 0;
      return Array.from({ length: nics }, (_, i) => macAddress(endpoint, id, i));
    }
  }
  return null;
}

/** Apply's answer: the planned object with every unknown replaced by what the API computed. */
export function fillComputed(
  type: string,
  block: SchemaBlock,
  planned: ObjectValue,
  id: string,
  endpoint: string,
): ObjectValue {
  const fillNested = (b: SchemaBlock, v: Value): Value => {
    if (v instanceof Unknown) return null;
    if (Array.isArray(v)) return v.map((item) => fillNested(b, item));
    if (!isObjectValue(v)) return v;
    const out: ObjectValue = {};
    for (const [k, item] of Object.entries(v)) {
      const blockType = b.block_types?.[k];
      const nested = b.attributes?.[k]?.nested_type;
      if (blockType) out[k] = fillNested(blockType.block, item);
      else if (nested) out[k] = fillNested({ attributes: nested.attributes }, item);
      else out[k] = item instanceof Unknown ? null : fillUnknownLeaves(item);
    }
    return out;
  };
  const out = fillNested(block, planned) as ObjectValue;
  for (const [name, value] of Object.entries(planned))
    if (value instanceof Unknown && block.attributes?.[name])
      out[name] = computedAttribute(type, name, planned, id, endpoint);
  return out;
}

function fillUnknownLeaves(v: Value): Value {
  if (v instanceof Unknown) return null;
  if (Array.isArray(v)) return v.map(fillUnknownLeaves);
  if (isObjectValue(v)) {
    const out: ObjectValue = {};
    for (const [k, item] of Object.entries(v)) out[k] = fillUnknownLeaves(item);
    return out;
  }
  return v;
}

/**
 * The object in the complete shape Terraform expects (every attribute present, null when unset;
 * every block present, [] when absent), so a hand-written or hand-edited entry of the state file
 * reads back as a valid value.
 */
export function conformToBlock(block: SchemaBlock, value: unknown): Value {
  if (!isObjectValue(value as Value)) return null;
  const v = value as Record<string, unknown>;
  const out: ObjectValue = {};
  for (const [name, attribute] of Object.entries(block.attributes ?? {}))
    out[name] = conformAttribute(attribute, v[name]);
  for (const [name, blockType] of Object.entries(block.block_types ?? {})) {
    const item = v[name];
    if (blockType.nesting_mode === 'single' || blockType.nesting_mode === 'group') {
      out[name] = item === undefined || item === null ? null : conformToBlock(blockType.block, item);
    } else if (blockType.nesting_mode === 'map') {
      const map: ObjectValue = {};
      if (isObjectValue(item as Value))
        for (const [k, x] of Object.entries(item as Record<string, unknown>))
          map[k] = conformToBlock(blockType.block, x);
      out[name] = map;
    } else {
      out[name] = Array.isArray(item) ? item.map((x) => conformToBlock(blockType.block, x)) : [];
    }
  }
  return out;
}

function conformAttribute(attribute: SchemaAttribute, value: unknown): Value {
  if (value === undefined || value === null) return null;
  const nested = attribute.nested_type;
  if (nested) {
    const block: SchemaBlock = { attributes: nested.attributes };
    if (nested.nesting_mode === 'single') return conformToBlock(block, value);
    if (nested.nesting_mode === 'map' && isObjectValue(value as Value)) {
      const map: ObjectValue = {};
      for (const [k, x] of Object.entries(value as Record<string, unknown>))
        map[k] = conformToBlock(block, x);
      return map;
    }
    return Array.isArray(value) ? value.map((x) => conformToBlock(block, x)) : null;
  }
  return attribute.type === undefined ? (value as Value) : conformToType(attribute.type, value);
}

function conformToType(type: CtyType, value: unknown): Value {
  if (value === undefined || value === null) return null;
  if (typeof type === 'string') return value as Value;
  const [kind, inner] = type;
  if ((kind === 'list' || kind === 'set') && Array.isArray(value))
    return value.map((x) => conformToType(inner as CtyType, x));
  if (kind === 'map' && isObjectValue(value as Value)) {
    const map: ObjectValue = {};
    for (const [k, x] of Object.entries(value as Record<string, unknown>))
      map[k] = conformToType(inner as CtyType, x);
    return map;
  }
  if (kind === 'object' && isObjectValue(value as Value)) {
    const fields = inner as Record<string, CtyType>;
    const out: ObjectValue = {};
    for (const [k, t] of Object.entries(fields))
      out[k] = conformToType(t, (value as Record<string, unknown>)[k]);
    return out;
  }
  return value as Value;
}
