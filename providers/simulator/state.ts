// "What Proxmox has": the simulator's JSON file of every object each API endpoint holds, which tests edit by hand.
import { existsSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';

/**
 * The file's format (docs/rehearsal.md):
 *
 *   { "format": "infra-simulator/1",
 *     "endpoints": { "<endpoint>": { "<resource type>": { "<id>": { <attribute>: <value>, ... } } } } }
 *
 * `<endpoint>` is the provider's API: the proxmox provider's `endpoint`, `dns://<server>:<port>` for
 * the dns provider. Each object is the resource as Terraform's state holds it (blocks as lists of
 * objects, unset values as null or left out).
 */
export interface SimulatedWorld {
  format: 'infra-simulator/1';
  endpoints: Record<string, Record<string, Record<string, Record<string, unknown>>>>;
}

export const emptyWorld = (): SimulatedWorld => ({ format: 'infra-simulator/1', endpoints: {} });

export function readWorld(file: string): SimulatedWorld {
  if (!existsSync(file)) return emptyWorld();
  return parseWorld(file, readFileSync(file, 'utf8'));
}

function parseWorld(file: string, text: string): SimulatedWorld {
  const raw = JSON.parse(text) as Partial<SimulatedWorld>;
  if (raw.format !== 'infra-simulator/1' || typeof raw.endpoints !== 'object' || raw.endpoints === null)
    throw new Error(`${file}: expected {"format": "infra-simulator/1", "endpoints": {...}}`);
  return raw as SimulatedWorld;
}

const sortKeys = (v: unknown): unknown => {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (typeof v === 'object' && v !== null) {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(v).sort()) out[k] = sortKeys((v as Record<string, unknown>)[k]);
    return out;
  }
  return v;
};

/** Written aside and renamed, so a reader (or a killed writer) never sees half a file. */
export function writeWorld(file: string, world: SimulatedWorld): void {
  const scratch = `${file}.tmp-${process.pid}`;
  writeFileSync(scratch, `${JSON.stringify(sortKeys(world), null, 2)}\n`);
  renameSync(scratch, file);
  cache.set(file, { key: statKey(file), world });
}

/**
 * The simulator looks into the world on every call (hundreds per plan); parsing it again only when the
 * file changed on disk (a test's hand edit, another process's write: a new inode, size or time) keeps
 * that cheap. The object is shared: whoever changes it must write it with writeWorld at once.
 */
const cache = new Map<string, { key: string; world: SimulatedWorld }>();

const statKey = (file: string): string => {
  const stat = statSync(file);
  return `${stat.ino}/${stat.size}/${stat.mtimeMs}`;
};

export function sharedWorld(file: string): SimulatedWorld {
  const unwritten = pending.get(file);
  if (unwritten) return unwritten;
  if (!existsSync(file)) return emptyWorld();
  const key = statKey(file);
  const hit = cache.get(file);
  if (hit?.key === key) return hit.world;
  const world = readWorld(file);
  cache.set(file, { key, world });
  return world;
}
/**
 * Worlds changed in this turn of the event loop and not yet written. Terraform applies up to ten objects
 * at once and the file holds every object of every stack, so one write per object made a rehearsal's
 * writes grow with the square of the world (1.2 MB written ~500 times for the example); one write per
 * turn keeps what a reader sees the same, since no reader runs inside the turn.
 */
const pending = new Map<string, SimulatedWorld>();

/** Writes the world once this turn of the event loop ends, with every change made in it. */
export function writeWorldSoon(file: string, world: SimulatedWorld): void {
  const scheduled = pending.has(file);
  pending.set(file, world);
  if (!scheduled) setImmediate(() => flushWorld(file));
}

/** Writes a world changed in this turn now (the simulator closing). */
export function flushWorld(file: string): void {
  const world = pending.get(file);
  if (!world) return;
  pending.delete(file);
  writeWorld(file, world);
}

/** The objects of one type at one endpoint, created on first use. */
export function objectsOf(
  world: SimulatedWorld,
  endpoint: string,
  type: string,
): Record<string, Record<string, unknown>> {
  const byType = (world.endpoints[endpoint] ??= {});
  return (byType[type] ??= {});
}

/** Changes one object in the file, the way a person changes a VM in the web UI; returns false when absent. */
export function editObject(
  file: string,
  type: string,
  id: string,
  change: (object: Record<string, unknown>) => void,
  endpoint?: string,
): boolean {
  const world = readWorld(file);
  for (const [name, byType] of Object.entries(world.endpoints)) {
    if (endpoint !== undefined && name !== endpoint) continue;
    const object = byType[type]?.[id];
    if (object) {
      change(object);
      writeWorld(file, world);
      return true;
    }
  }
  return false;
}

/** Removes one object, the way a person deletes it by hand; returns false when absent. */
export function deleteObject(file: string, type: string, id: string, endpoint?: string): boolean {
  const world = readWorld(file);
  for (const [name, byType] of Object.entries(world.endpoints)) {
    if (endpoint !== undefined && name !== endpoint) continue;
    if (byType[type]?.[id]) {
      delete byType[type][id];
      writeWorld(file, world);
      return true;
    }
  }
  return false;
}
