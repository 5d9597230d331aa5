// An offline `terraform validate`: checks synthesized resources against a `terraform providers schema -json` file.
import type { StackJson } from '../stacks/stack-json.ts';

type CtyType = string | [string, unknown];

interface Attribute {
  type?: CtyType;
  nested_type?: { attributes: Record<string, Attribute>; nesting_mode: string };
  required?: boolean;
  optional?: boolean;
  computed?: boolean;
}

interface Block {
  attributes?: Record<string, Attribute>;
  block_types?: Record<string, BlockType>;
}

interface BlockType {
  nesting_mode: 'single' | 'group' | 'list' | 'set' | 'map';
  block: Block;
  min_items?: number;
  max_items?: number;
}

export interface ProviderSchemaFile {
  provider_schemas: Record<
    string,
    {
      provider: { block: Block };
      resource_schemas?: Record<string, { block: Block }>;
      data_source_schemas?: Record<string, { block: Block }>;
    }
  >;
}

export interface Violation {
  /** `proxmox_virtual_environment_vm.gitea.disk[0].size` */
  readonly where: string;
  readonly rule:
    | 'unknown'
    | 'type'
    | 'required'
    | 'read-only'
    | 'block-vs-attribute'
    | 'incomplete-object'
    | 'max-items'
    | 'min-items'
    | 'unknown-type';
  readonly message: string;
}

/** Terraform meta-arguments that every resource accepts on top of its schema. */
const META = new Set([
  '//',
  'count',
  'for_each',
  'depends_on',
  'lifecycle',
  'provider',
  'provisioner',
  'connection',
]);

const isExpression = (v: unknown): boolean => typeof v === 'string' && v.includes('${');
const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

function describe(type: CtyType): string {
  return typeof type === 'string'
    ? type
    : `${type[0]}(${Array.isArray(type[1]) ? '...' : typeof type[1] === 'string' ? type[1] : describe(type[1] as CtyType)})`;
}

function checkValue(type: CtyType, value: unknown, where: string, out: Violation[]): void {
  if (value === null || isExpression(value)) return;
  if (typeof type === 'string') {
    const ok =
      type === 'dynamic' ||
      (type === 'string' && typeof value === 'string') ||
      (type === 'number' && typeof value === 'number') ||
      (type === 'bool' && typeof value === 'boolean');
    if (!ok) {
      const shape = Array.isArray(value) || isObject(value) ? 'block-vs-attribute' : 'type';
      out.push({ where, rule: shape, message: `${JSON.stringify(value).slice(0, 60)} is not a ${type}` });
    }
    return;
  }
  const [kind, inner] = type;
  if (kind === 'list' || kind === 'set') {
    if (!Array.isArray(value)) {
      out.push({ where, rule: 'type', message: `expected a ${describe(type)}, got ${typeof value}` });
      return;
    }
    value.forEach((item, i) => {
      checkValue(inner as CtyType, item, `${where}[${i}]`, out);
    });
  } else if (kind === 'map') {
    if (!isObject(value)) {
      out.push({
        where,
        rule: 'type',
        message: `expected a ${describe(type)}, got ${Array.isArray(value) ? 'a list' : typeof value}`,
      });
      return;
    }
    for (const [k, v] of Object.entries(value)) checkValue(inner as CtyType, v, `${where}.${k}`, out);
  } else if (kind === 'object') {
    if (!isObject(value)) {
      out.push({
        where,
        rule: 'type',
        message: `expected an object, got ${Array.isArray(value) ? 'a list' : typeof value}`,
      });
      return;
    }
    const fields = inner as Record<string, CtyType>;
    for (const [k, v] of Object.entries(value)) {
      const fieldType = fields[k];
      if (fieldType === undefined)
        out.push({ where: `${where}.${k}`, rule: 'unknown', message: `unknown field "${k}"` });
      else checkValue(fieldType, v, `${where}.${k}`, out);
    }
    // An object-typed attribute (unlike a block, or a nested attribute) needs every key: Terraform's type
    // conversion refuses a missing one ("attributes ... are required") instead of filling in null.
    const missing = Object.keys(fields).filter((k) => !(k in value));
    if (missing.length > 0)
      out.push({
        where,
        rule: 'incomplete-object',
        message: `object lacks ${missing.map((k) => `"${k}"`).join(', ')}; an attribute object needs every key (null when unset)`,
      });
  }
}

function checkNested(
  nested: NonNullable<Attribute['nested_type']>,
  value: unknown,
  where: string,
  out: Violation[],
): void {
  if (isExpression(value)) return;
  const block: Block = { attributes: nested.attributes };
  if (nested.nesting_mode === 'single') {
    if (!isObject(value)) out.push({ where, rule: 'type', message: 'expected an object' });
    else checkBlock(block, value, where, out);
  } else if (nested.nesting_mode === 'map') {
    if (!isObject(value)) out.push({ where, rule: 'type', message: 'expected a map of objects' });
    else
      for (const [k, v] of Object.entries(value))
        checkNested({ ...nested, nesting_mode: 'single' }, v, `${where}.${k}`, out);
  } else if (!Array.isArray(value)) {
    out.push({ where, rule: 'type', message: `expected a ${nested.nesting_mode} of objects` });
  } else {
    value.forEach((item, i) => {
      checkNested({ ...nested, nesting_mode: 'single' }, item, `${where}[${i}]`, out);
    });
  }
}

export function checkBlock(
  block: Block,
  config: Record<string, unknown>,
  where: string,
  out: Violation[],
  meta = false,
): void {
  const attributes = block.attributes ?? {};
  const blocks = block.block_types ?? {};
  for (const [key, value] of Object.entries(config)) {
    if (meta && META.has(key)) continue;
    const path = `${where}.${key}`;
    const attribute = attributes[key];
    const blockType = blocks[key];
    if (attribute) {
      if (attribute.computed && !attribute.optional && !attribute.required) {
        out.push({
          where: path,
          rule: 'read-only',
          message: 'is computed by the provider and cannot be set',
        });
      } else if (attribute.nested_type) {
        checkNested(attribute.nested_type, value, path, out);
      } else if (attribute.type !== undefined) {
        checkValue(attribute.type, value, path, out);
      }
    } else if (blockType) {
      checkBlockType(blockType, value, path, out);
    } else {
      out.push({
        where: path,
        rule: 'unknown',
        message: `"${key}" is neither an attribute nor a block of this schema`,
      });
    }
  }
  for (const [key, attribute] of Object.entries(attributes)) {
    if (attribute.required && !(key in config))
      out.push({ where: `${where}.${key}`, rule: 'required', message: 'required attribute is missing' });
  }
  for (const [key, blockType] of Object.entries(blocks)) {
    if ((blockType.min_items ?? 0) > 0 && !(key in config)) {
      out.push({
        where: `${where}.${key}`,
        rule: 'min-items',
        message: `block needs at least ${blockType.min_items} item(s)`,
      });
    }
  }
}

function checkBlockType(blockType: BlockType, value: unknown, where: string, out: Violation[]): void {
  if (isExpression(value)) return;
  if (blockType.nesting_mode === 'single' || blockType.nesting_mode === 'group') {
    if (!isObject(value))
      out.push({ where, rule: 'block-vs-attribute', message: 'is a block: expected an object' });
    else checkBlock(blockType.block, value, where, out);
    return;
  }
  if (blockType.nesting_mode === 'map') {
    if (!isObject(value))
      out.push({
        where,
        rule: 'block-vs-attribute',
        message: 'is a map block: expected an object of objects',
      });
    else
      for (const [k, v] of Object.entries(value))
        checkBlockType({ ...blockType, nesting_mode: 'single' }, v, `${where}.${k}`, out);
    return;
  }
  // Terraform's JSON syntax takes a list or set block as one object or as an array of objects.
  const items = Array.isArray(value) ? value : [value];
  if (!items.every(isObject)) {
    out.push({
      where,
      rule: 'block-vs-attribute',
      message: `is a ${blockType.nesting_mode} block: expected objects, got ${JSON.stringify(value).slice(0, 60)}`,
    });
    return;
  }
  if (blockType.max_items !== undefined && items.length > blockType.max_items) {
    out.push({
      where,
      rule: 'max-items',
      message: `has ${items.length} items; the schema allows at most ${blockType.max_items}`,
    });
  }
  if (blockType.min_items !== undefined && items.length < blockType.min_items) {
    out.push({
      where,
      rule: 'min-items',
      message: `has ${items.length} items; the schema needs at least ${blockType.min_items}`,
    });
  }
  items.forEach((item, i) => {
    checkBlock(
      blockType.block,
      item as Record<string, unknown>,
      Array.isArray(value) ? `${where}[${i}]` : where,
      out,
    );
  });
}

/**
 * Checks every resource, data source and provider block of a synthesized stack whose type a schema
 * file describes; types no schema file knows (another provider's) are reported when `strict`.
 */
export function checkStack(
  stack: StackJson,
  schemas: readonly ProviderSchemaFile[],
  strict = true,
): Violation[] {
  const out: Violation[] = [];
  const resources = new Map<string, Block>();
  const dataSources = new Map<string, Block>();
  const providers = new Map<string, Block>();
  for (const file of schemas) {
    for (const [source, schema] of Object.entries(file.provider_schemas)) {
      providers.set(source.split('/').pop() ?? source, schema.provider.block);
      for (const [type, s] of Object.entries(schema.resource_schemas ?? {})) resources.set(type, s.block);
      for (const [type, s] of Object.entries(schema.data_source_schemas ?? {}))
        dataSources.set(type, s.block);
    }
  }
  for (const [name, configs] of Object.entries(stack.provider ?? {})) {
    const block = providers.get(name);
    const list = Array.isArray(configs) ? configs : [configs];
    if (!block) {
      if (strict)
        out.push({ where: `provider.${name}`, rule: 'unknown-type', message: 'no schema for this provider' });
      continue;
    }
    list.forEach((config, i) => {
      checkBlock(block, config as Record<string, unknown>, `provider.${name}[${i}]`, out, true);
    });
  }
  for (const [kind, map, known] of [
    ['', stack.resource, resources],
    ['data.', stack.data, dataSources],
  ] as const) {
    for (const [type, instances] of Object.entries(map ?? {})) {
      const block = known.get(type);
      if (!block) {
        if (strict)
          out.push({ where: `${kind}${type}`, rule: 'unknown-type', message: 'no schema for this type' });
        continue;
      }
      for (const [name, config] of Object.entries(instances))
        checkBlock(block, config as Record<string, unknown>, `${kind}${type}.${name}`, out, true);
    }
  }
  return out;
}
