// Reads a pinned `terraform providers schema -json` file and turns it into what the protocol serves.
import { readFileSync } from 'node:fs';

export type CtyType = string | [string, unknown];

export interface SchemaAttribute {
  readonly type?: CtyType;
  readonly nested_type?: NestedType;
  readonly description?: string;
  readonly description_kind?: string;
  readonly required?: boolean;
  readonly optional?: boolean;
  readonly computed?: boolean;
  readonly sensitive?: boolean;
  readonly deprecated?: boolean;
  readonly write_only?: boolean;
}

export interface NestedType {
  readonly attributes: Readonly<Record<string, SchemaAttribute>>;
  readonly nesting_mode: 'single' | 'list' | 'set' | 'map';
}

export interface SchemaBlock {
  readonly attributes?: Readonly<Record<string, SchemaAttribute>>;
  readonly block_types?: Readonly<Record<string, SchemaBlockType>>;
  readonly description?: string;
  readonly description_kind?: string;
  readonly deprecated?: boolean;
}

export interface SchemaBlockType {
  readonly nesting_mode: 'single' | 'group' | 'list' | 'set' | 'map';
  readonly block: SchemaBlock;
  readonly min_items?: number;
  readonly max_items?: number;
}

export interface TypeSchema {
  readonly version?: number;
  readonly block: SchemaBlock;
}

export interface ProviderSchema {
  readonly provider: TypeSchema;
  readonly resource_schemas?: Readonly<Record<string, TypeSchema>>;
  readonly data_source_schemas?: Readonly<Record<string, TypeSchema>>;
}

/** One provider the simulator serves: its registry address and its pinned schema. */
export interface ServedProvider {
  /** `registry.terraform.io/bpg/proxmox` */
  readonly address: string;
  readonly schema: ProviderSchema;
  /** The file it was read from, for messages. */
  readonly file: string;
}

/** Every provider a pinned schema file describes (one file may hold several). */
export function readSchemaFile(file: string): ServedProvider[] {
  const raw = JSON.parse(readFileSync(file, 'utf8')) as {
    format_version?: string;
    provider_schemas?: Record<string, ProviderSchema>;
  };
  if (raw.format_version !== '1.0' || !raw.provider_schemas)
    throw new Error(`${file}: not the output of \`terraform providers schema -json\` (format_version 1.0)`);
  return Object.entries(raw.provider_schemas).map(([address, schema]) => ({ address, schema, file }));
}

// The protocol's messages, as @grpc/proto-loader takes them (snake_case fields, enum names as strings).
interface ProtoAttribute {
  name: string;
  type: Buffer;
  nested_type?: { attributes: ProtoAttribute[]; nesting: string };
  description: string;
  description_kind: string;
  required: boolean;
  optional: boolean;
  computed: boolean;
  sensitive: boolean;
  deprecated: boolean;
  write_only: boolean;
}

interface ProtoBlock {
  version: number;
  attributes: ProtoAttribute[];
  block_types: {
    type_name: string;
    block: ProtoBlock;
    nesting: string;
    min_items: number;
    max_items: number;
  }[];
  description: string;
  description_kind: string;
  deprecated: boolean;
}

export interface ProtoSchema {
  version: number;
  block: ProtoBlock;
}

const kind = (k: string | undefined): string => (k === 'markdown' ? 'MARKDOWN' : 'PLAIN');

// Terraform sorts nothing for us, but a stable order keeps `terraform providers schema -json` diffable.
const sorted = <T>(record: Readonly<Record<string, T>> | undefined): [string, T][] =>
  Object.entries(record ?? {}).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));

function protoAttribute(name: string, a: SchemaAttribute): ProtoAttribute {
  return {
    name,
    type: a.type === undefined ? Buffer.alloc(0) : Buffer.from(JSON.stringify(a.type)),
    ...(a.nested_type
      ? {
          nested_type: {
            attributes: sorted(a.nested_type.attributes).map(([n, x]) => protoAttribute(n, x)),
            nesting: a.nested_type.nesting_mode.toUpperCase(),
          },
        }
      : {}),
    description: a.description ?? '',
    description_kind: kind(a.description_kind),
    required: a.required ?? false,
    optional: a.optional ?? false,
    computed: a.computed ?? false,
    sensitive: a.sensitive ?? false,
    deprecated: a.deprecated ?? false,
    write_only: a.write_only ?? false,
  };
}

function protoBlock(b: SchemaBlock, version: number): ProtoBlock {
  return {
    version,
    attributes: sorted(b.attributes).map(([n, a]) => protoAttribute(n, a)),
    block_types: sorted(b.block_types).map(([n, t]) => ({
      type_name: n,
      block: protoBlock(t.block, 0),
      nesting: t.nesting_mode.toUpperCase(),
      min_items: t.min_items ?? 0,
      max_items: t.max_items ?? 0,
    })),
    description: b.description ?? '',
    description_kind: kind(b.description_kind),
    deprecated: b.deprecated ?? false,
  };
}

export function protoSchema(s: TypeSchema): ProtoSchema {
  return { version: s.version ?? 0, block: protoBlock(s.block, s.version ?? 0) };
}
