// The deploy gate reads Allow-Destroy only from a commit message's trailer block, as git does.
import { describe, expect, it } from 'vitest';
import { allowDestroyTrailers } from '../review/deploy-gate.ts';

const VM = 'cluster-alpha/proxmox_virtual_environment_vm.db1';

describe('allowDestroyTrailers', () => {
  it('reads a trailer in the last paragraph, after a blank line', () => {
    expect(allowDestroyTrailers(`Retire db1\n\nIts data moved to db3.\n\nAllow-Destroy: ${VM}\n`)).toEqual([
      VM,
    ]);
  });

  it('ignores a line quoted in the body, with text after it', () => {
    const message = `Explain the gate\n\nTo destroy db1 one would write:\n\n    Allow-Destroy: ${VM}\n\nbut this commit does not.\n`;
    expect(allowDestroyTrailers(message)).toEqual([]);
    const quoted = `Reply\n\n> Allow-Destroy: ${VM}\n\nSigned-off-by: A <a@example.org>\n`;
    expect(allowDestroyTrailers(quoted)).toEqual([]);
  });

  it('ignores a line in the middle of a paragraph of prose', () => {
    expect(allowDestroyTrailers(`Subject\n\nWe discussed\nAllow-Destroy: ${VM}\nand rejected it.\n`)).toEqual(
      [],
    );
  });

  it('ignores the subject line', () => {
    expect(allowDestroyTrailers(`Allow-Destroy: ${VM}\n`)).toEqual([]);
  });

  it('reads only the final trailer block of a squash message, not those of the squashed commits', () => {
    const squash = [
      'Move the database (#42)',
      '',
      '* Try removing db1',
      '',
      `Allow-Destroy: ${VM}`,
      '',
      '* Keep db1 after all',
      '',
      'Reviewed-on: https://git.example.org/infra/pulls/42',
      'Signed-off-by: A <a@example.org>',
      '',
    ].join('\n');
    expect(allowDestroyTrailers(squash)).toEqual([]);
    expect(allowDestroyTrailers(`${squash}allow-destroy: ${VM}\n`)).toEqual([VM]);
  });
});
