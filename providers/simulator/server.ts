// The simulator: serves pinned provider schemas to the real terraform over plugin protocol 6 (gRPC), with TF_REATTACH_PROVIDERS.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { PROVIDER_REGISTRY, providerAddress } from '../../constructs/provider-registry.ts';
import { pinnedSemantics, type ResourceSemantics } from '../semantics.ts';
import { apiFindings, type Finding, readBack, storedWithDefaults, validateConfig } from './behaviour.ts';
import { importObject } from './import.ts';
import { sourceFile } from '../../stacks/node-module.ts';
import { conformToBlock, fillComputed, objectId } from './objects.ts';
import { planChange, type PathStep } from './plan.ts';
import { protoSchema, readSchemaFile, type SchemaBlock, type ServedProvider } from './schema.ts';
import { flushWorld, objectsOf, sharedWorld, writeWorldSoon } from './state.ts';
import { decodeValue, encodeValue, isObjectValue, type ObjectValue, toJson, type Value } from './values.ts';

export interface SimulatorOptions {
  /** Pinned schema files (`terraform providers schema -json` format); one server per provider in them. */
  readonly schemaFiles: readonly string[];
  /** The JSON file that stands for what the APIs hold ("what Proxmox has"); created on first write. */
  readonly worldFile: string;
  /** Milliseconds each apply of one object takes, so a test can kill terraform half-way. @default 0 */
  readonly applyDelayMs?: number;
  /** What each provider does with its resources. @default every providers/<name>/semantics.json */
  readonly semantics?: Readonly<Record<string, ResourceSemantics>>;
}

export interface Simulator {
  /** The value of TF_REATTACH_PROVIDERS that points terraform at this process. */
  readonly reattach: string;
  /** The providers served, by registry address. */
  readonly providers: readonly string[];
  /** How many objects each RPC has handled, for tests that wait for an apply to be half-way. */
  readonly calls: Readonly<Record<string, number>>;
  close(): Promise<void>;
}

interface Diagnostic {
  severity: 'ERROR' | 'WARNING';
  summary: string;
  detail: string;
  attribute?: { steps: PathStep[] };
}

const error = (summary: string, detail = ''): Diagnostic => ({ severity: 'ERROR', summary, detail });
const onAttribute = (f: Finding): Diagnostic => ({
  ...error(f.summary),
  attribute: { steps: [{ attribute_name: f.attribute }] },
});
const dynamic = (v: Value): { msgpack: Uint8Array } => ({ msgpack: encodeValue(v) });

// Parsed once per process: the proto is small, so this costs a few milliseconds.
const definition = protoLoader.loadSync(sourceFile(import.meta.url, './tfplugin6.proto'), {
  keepCase: true,
  longs: Number,
  enums: String,
  defaults: true,
  oneofs: true,
});
const tfplugin6 = grpc.loadPackageDefinition(definition).tfplugin6 as grpc.GrpcObject;
const providerService = (tfplugin6.Provider as grpc.ServiceClientConstructor).service;

/**
 * Which API a provider configuration talks to: each Proxmox cluster (each DNS server) is a world of
 * its own, so two clusters may both hold a pool called "services".
 */
export function endpointOf(address: string, config: Value): string {
  if (!isObjectValue(config)) return 'default';
  if (typeof config.endpoint === 'string') return config.endpoint;
  if (typeof config.base_url === 'string') return config.base_url;
  const update = Array.isArray(config.update) ? config.update[0] : undefined;
  if (isObjectValue(update ?? null) && typeof (update as ObjectValue).server === 'string') {
    const u = update as ObjectValue;
    return `dns://${String(u.server)}:${typeof u.port === 'number' ? u.port : 53}`;
  }
  return `${address} default`;
}

/**
 * The DNS provider's check when it configures (config.go:82 at the tag): a TSIG key name must be fully
 * qualified. The key name comes from the configuration or from DNS_UPDATE_KEYNAME, which the simulator
 * reads from its own environment (that of `npm run rehearse`, which terraform inherits too).
 */
export function configureProvider(address: string, config: Value, env = process.env): Diagnostic[] {
  if (address !== providerAddress(PROVIDER_REGISTRY.dns) || !isObjectValue(config)) return [];
  const update = Array.isArray(config.update) ? config.update[0] : undefined;
  const configured = isObjectValue(update ?? null) ? (update as ObjectValue).key_name : null;
  const keyName = typeof configured === 'string' ? configured : env.DNS_UPDATE_KEYNAME;
  if (keyName === undefined || keyName === '' || keyName.endsWith('.')) return [];
  return [error('Error configuring provider: "key_name" should be fully-qualified')];
}

/** The provider's own checks of its configuration, beyond the types Terraform checks itself. */
export function validateProviderConfig(address: string, config: Value): Diagnostic[] {
  const out: Diagnostic[] = [];
  if (!isObjectValue(config)) return out;
  if (address === providerAddress(PROVIDER_REGISTRY.proxmox) && typeof config.endpoint === 'string') {
    let ok = false;
    try {
      ok = ['https:', 'http:'].includes(new URL(config.endpoint).protocol);
    } catch {
      ok = false;
    }
    if (!ok)
      out.push({
        ...error('Invalid endpoint', `"${config.endpoint}" is not an http(s) URL of the Proxmox VE API`),
        attribute: { steps: [{ attribute_name: 'endpoint' }] },
      });
  }
  return out;
}

/**
 * A create of an object the API holds already: the real API overwrites it (an ACL update, an upload, an
 * RFC 2136 update) where the semantics say so, else refuses as a POST of an existing object does.
 */
function existingRefusal(
  type: string,
  id: string,
  planned: ObjectValue,
  semantics: ResourceSemantics | undefined,
): Diagnostic | undefined {
  const existing = semantics?.existing;
  if (existing && !(existing.unlessFalse !== undefined && planned[existing.unlessFalse] === false))
    return undefined;
  if (existing?.message) return error(existing.message.replaceAll('{id}', JSON.stringify(id)));
  return error(`${type} ${id} already exists`, `the API already holds ${id}; import it or remove it first`);
}

type Handler = (request: Record<string, unknown>) => Record<string, unknown>;
const bytesOf = (v: unknown): Uint8Array | undefined =>
  isObjectValue(v as Value) ? ((v as { msgpack?: Uint8Array }).msgpack ?? undefined) : undefined;

/** What every handler of one served provider shares: its schemas, semantics, world file and current endpoint. */
interface Served {
  readonly provider: ServedProvider;
  readonly options: SimulatorOptions;
  readonly semantics: Readonly<Record<string, ResourceSemantics>>;
  /** The API the provider was configured for (ConfigureProvider sets it). */
  endpoint: string;
  readonly blockOf: (type: string) => SchemaBlock | undefined;
  readonly legacy: (type: string) => boolean;
  /** The objects of one type at the endpoint, for a read-back that looks at other objects. */
  readonly neighbours: (type: string) => Record<string, Record<string, unknown>>;
  readonly unknownType: (type: string) => Diagnostic;
  readonly count: (name: string) => void;
}

function served(provider: ServedProvider, options: SimulatorOptions, calls: Record<string, number>): Served {
  const resources = provider.schema.resource_schemas ?? {};
  const semantics = options.semantics ?? pinnedSemantics();
  const ctx: Served = {
    provider,
    options,
    semantics,
    endpoint: endpointOf(provider.address, null),
    blockOf: (type) => resources[type]?.block,
    legacy: (type) => semantics[type]?.sdk === 'sdkv2',
    // Looking, not creating: a read must not add empty types to the world file.
    neighbours: (type) => sharedWorld(options.worldFile).endpoints[ctx.endpoint]?.[type] ?? {},
    unknownType: (type) =>
      error(`Unknown resource type ${type}`, `${provider.file} does not describe ${type}`),
    count: (name) => {
      calls[name] = (calls[name] ?? 0) + 1;
    },
  };
  return ctx;
}

function handlers(
  provider: ServedProvider,
  options: SimulatorOptions,
  calls: Record<string, number>,
): Record<string, Handler> {
  const ctx = served(provider, options, calls);
  return {
    ...configHandlers(ctx),
    ReadResource: (r) => readResource(ctx, r),
    PlanResourceChange: (r) => planResourceChange(ctx, r),
    ApplyResourceChange: (r) => applyResourceChange(ctx, r),
    ImportResourceState: (r) => importResourceState(ctx, r),
    ReadDataSource: (r) => readDataSource(ctx, r),
    StopProvider: () => ({ Error: '' }),
  };
}

/** The schema, the checks of configurations and the provider's own configuration. */
function configHandlers(ctx: Served): Record<string, Handler> {
  const { provider } = ctx;
  const resources = provider.schema.resource_schemas ?? {};
  const dataSources = provider.schema.data_source_schemas ?? {};
  return {
    GetProviderSchema: () => {
      const map = (record: typeof resources) =>
        Object.fromEntries(Object.entries(record).map(([type, s]) => [type, protoSchema(s)]));
      return {
        provider: protoSchema(provider.schema.provider),
        resource_schemas: map(resources),
        data_source_schemas: map(dataSources),
        diagnostics: [],
        server_capabilities: { plan_destroy: false, get_provider_schema_optional: true },
      };
    },
    ValidateProviderConfig: (r) => ({
      diagnostics: validateProviderConfig(provider.address, decodeValue(bytesOf(r.config))),
    }),
    ValidateResourceConfig: (r) => {
      const type = String(r.type_name);
      if (!ctx.blockOf(type)) return { diagnostics: [ctx.unknownType(type)] };
      return {
        diagnostics: validateConfig(ctx.semantics[type], decodeValue(bytesOf(r.config))).map(onAttribute),
      };
    },
    ValidateDataResourceConfig: (r) => ({
      diagnostics: dataSources[String(r.type_name)] ? [] : [ctx.unknownType(String(r.type_name))],
    }),
    // The state was written by this same schema version: Terraform's JSON goes back unchanged, which
    // keeps numbers exact (a JSON.parse round trip would round them and show false changes).
    UpgradeResourceState: (r) => ({
      upgraded_state: { json: (r.raw_state as { json?: Uint8Array } | undefined)?.json ?? Buffer.alloc(0) },
      diagnostics: [],
    }),
    ConfigureProvider: (r) => {
      const config = decodeValue(bytesOf(r.config));
      ctx.endpoint = endpointOf(provider.address, config);
      return { diagnostics: configureProvider(provider.address, config) };
    },
  };
}

type Request = Record<string, unknown>;
type Answer = Record<string, unknown>;

/** Refresh: what the API holds now, read back as the provider would; gone, Terraform plans to create it again. */
function readResource(ctx: Served, r: Request): Answer {
  const type = String(r.type_name);
  const block = ctx.blockOf(type);
  const current = decodeValue(bytesOf(r.current_state));
  if (!block) return { diagnostics: [ctx.unknownType(type)] };
  ctx.count('ReadResource');
  const id = isObjectValue(current) ? current.id : null;
  const stored =
    typeof id === 'string'
      ? objectsOf(sharedWorld(ctx.options.worldFile), ctx.endpoint, type)[id]
      : undefined;
  const semantics = ctx.semantics[type];
  const read = stored
    ? readBack(
        semantics,
        storedWithDefaults(semantics, conformToBlock(block, stored) as ObjectValue),
        ctx.neighbours,
      )
    : null;
  return { new_state: dynamic(read), diagnostics: [], private: r.private };
}

function planResourceChange(ctx: Served, r: Request): Answer {
  const type = String(r.type_name);
  const block = ctx.blockOf(type);
  if (!block) return { diagnostics: [ctx.unknownType(type)] };
  ctx.count('PlanResourceChange');
  const plan = planChange(
    type,
    block,
    decodeValue(bytesOf(r.prior_state)),
    decodeValue(bytesOf(r.proposed_new_state)),
    decodeValue(bytesOf(r.config)),
    ctx.semantics[type],
  );
  return {
    planned_state: dynamic(plan.planned),
    requires_replace: plan.requiresReplace.map((steps) => ({ steps })),
    planned_private: r.prior_private,
    diagnostics: [],
    legacy_type_system: ctx.legacy(type),
  };
}

/** Create, update or delete one object in the world file, refused where the real API would refuse it. */
function applyResourceChange(ctx: Served, r: Request): Answer {
  const type = String(r.type_name);
  const block = ctx.blockOf(type);
  if (!block) return { diagnostics: [ctx.unknownType(type)] };
  const semantics = ctx.semantics[type];
  const prior = decodeValue(bytesOf(r.prior_state));
  const planned = decodeValue(bytesOf(r.planned_state));
  const world = sharedWorld(ctx.options.worldFile);
  const objects = objectsOf(world, ctx.endpoint, type);
  if (!isObjectValue(planned)) {
    if (isObjectValue(prior) && typeof prior.id === 'string') delete objects[prior.id];
    writeWorldSoon(ctx.options.worldFile, world);
    ctx.count('ApplyResourceChange');
    return { new_state: dynamic(null), diagnostics: [] };
  }
  const refused = apiFindings(semantics, planned);
  if (refused.length > 0) return { diagnostics: refused.map(onAttribute) };
  const id =
    isObjectValue(prior) && typeof prior.id === 'string' ? prior.id : objectId(type, planned, semantics);
  const exists =
    !isObjectValue(prior) && objects[id] ? existingRefusal(type, id, planned, semantics) : undefined;
  if (exists) return { diagnostics: [exists] };
  const filled = fillComputed(type, block, planned, id, ctx.endpoint);
  objects[id] = toJson(filled) as Record<string, unknown>;
  writeWorldSoon(ctx.options.worldFile, world);
  ctx.count('ApplyResourceChange');
  const created = readBack(semantics, filled, ctx.neighbours);
  return {
    new_state: dynamic(created),
    private: r.planned_private,
    diagnostics: [],
    legacy_type_system: ctx.legacy(type),
  };
}

function importResourceState(ctx: Served, r: Request): Answer {
  const type = String(r.type_name);
  const block = ctx.blockOf(type);
  if (!block) return { diagnostics: [ctx.unknownType(type)] };
  const objects = objectsOf(sharedWorld(ctx.options.worldFile), ctx.endpoint, type);
  const found = importObject(type, String(r.id), objects, ctx.semantics[type]);
  if ('refused' in found) return { diagnostics: [error(found.refused, found.detail)] };
  const state = readBack(
    ctx.semantics[type],
    conformToBlock(block, found.object) as ObjectValue,
    ctx.neighbours,
  );
  return { imported_resources: [{ type_name: type, state: dynamic(state) }], diagnostics: [] };
}

function readDataSource(ctx: Served, r: Request): Answer {
  const type = String(r.type_name);
  const schema = ctx.provider.schema.data_source_schemas?.[type];
  if (!schema) return { diagnostics: [ctx.unknownType(type)] };
  const config = decodeValue(bytesOf(r.config));
  return {
    state: dynamic(fillComputed(type, schema.block, config as ObjectValue, type, ctx.endpoint)),
    diagnostics: [],
  };
}

/** Starts one gRPC server per provider of the schema files, each on a unix socket of its own. */
export async function startSimulator(options: SimulatorOptions): Promise<Simulator> {
  const providers = options.schemaFiles.flatMap(readSchemaFile);
  const dir = mkdtempSync(join(tmpdir(), 'tfsim-'));
  const servers: grpc.Server[] = [];
  const calls: Record<string, number> = {};
  const reattach: Record<string, unknown> = {};
  const delay = options.applyDelayMs ?? 0;
  for (const [i, provider] of providers.entries()) {
    const server = new grpc.Server();
    const implementation: grpc.UntypedServiceImplementation = {};
    for (const [name, handle] of Object.entries(handlers(provider, options, calls))) {
      implementation[name] = (
        call: grpc.ServerUnaryCall<Record<string, unknown>, unknown>,
        callback: grpc.sendUnaryData<unknown>,
      ) => {
        const answer = (): void => {
          try {
            callback(null, handle(call.request));
          } catch (err) {
            callback(null, {
              diagnostics: [error('Simulator failure', err instanceof Error ? err.message : String(err))],
            });
          }
        };
        if (name === 'ApplyResourceChange' && delay > 0) setTimeout(answer, delay);
        else answer();
      };
    }
    server.addService(providerService, implementation);
    const socket = join(dir, `p${i}.sock`);
    await new Promise<void>((resolve, reject) => {
      server.bindAsync(`unix:${socket}`, grpc.ServerCredentials.createInsecure(), (err) =>
        err ? reject(err) : resolve(),
      );
    });
    servers.push(server);
    reattach[provider.address] = {
      Protocol: 'grpc',
      ProtocolVersion: 6,
      Pid: process.pid,
      Test: true,
      Addr: { Network: 'unix', String: socket },
    };
  }
  return {
    reattach: JSON.stringify(reattach),
    providers: providers.map((p) => p.address),
    calls,
    close: async () => {
      await Promise.all(servers.map((s) => new Promise<void>((resolve) => s.tryShutdown(() => resolve()))));
      flushWorld(options.worldFile);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
