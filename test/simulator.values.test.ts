// Terraform's msgpack values: unknowns (plain and refined) and numbers that must not be rounded.
import { encode } from '@msgpack/msgpack';
import { describe, expect, it } from 'vitest';
import { markComputedUnknown, requiresReplace } from '../providers/simulator/plan.ts';
import { decodeValue, encodeValue, UNKNOWN } from '../providers/simulator/values.ts';

describe('DynamicValue msgpack', () => {
  it('writes an unknown as cty does (fixext1, type 0) and reads it back', () => {
    expect([...encodeValue(UNKNOWN)]).toEqual([0xd4, 0x00, 0x00]);
    expect(decodeValue(encodeValue({ id: UNKNOWN }))).toEqual({ id: UNKNOWN });
  });
  it('reads a refined unknown (extension 12, as Terraform 1.11 sends it) as unknown', () => {
    const refined = Uint8Array.from([0xc7, 0x03, 0x0c, 0x81, 0x01, 0xc2]);
    expect(decodeValue(refined)).toBe(UNKNOWN);
  });
  it('keeps numbers cty wrote as decimal strings as strings, and big integers exact', () => {
    expect(decodeValue(encode({ n: '0.1' }))).toEqual({ n: '0.1' });
    expect(decodeValue(encode({ n: 2n ** 62n }, { useBigInt64: true }))).toEqual({
      n: '4611686018427387904',
    });
    expect(decodeValue(encode({ n: 4096 }))).toEqual({ n: 4096 });
  });
});

describe('planning', () => {
  const block = {
    attributes: { id: { type: 'string', computed: true }, name: { type: 'string', optional: true } },
    block_types: {
      disk: {
        nesting_mode: 'list' as const,
        block: {
          attributes: { path: { type: 'string', computed: true }, size: { type: 'number', optional: true } },
        },
      },
    },
  };
  it('marks computed values the configuration leaves null unknown, inside blocks too', () => {
    const proposed = { id: null, name: 'a', disk: [{ path: null, size: 8 }] };
    expect(markComputedUnknown(block, proposed, proposed)).toEqual({
      id: UNKNOWN,
      name: 'a',
      disk: [{ path: UNKNOWN, size: 8 }],
    });
  });
  it('asks for replacement at the indexed path of a ForceNew attribute, and not for a migration', () => {
    const prior = { vm_id: 1, node_name: 'a', migrate: true, disk: [{ file_id: 'x' }, { file_id: 'y' }] };
    expect(requiresReplace('proxmox_virtual_environment_vm', prior, { ...prior, node_name: 'b' })).toEqual(
      [],
    );
    expect(
      requiresReplace('proxmox_virtual_environment_vm', prior, {
        ...prior,
        disk: [{ file_id: 'x' }, { file_id: 'z' }],
      }),
    ).toEqual([[{ attribute_name: 'disk' }, { element_key_int: 1 }, { attribute_name: 'file_id' }]]);
  });
});
