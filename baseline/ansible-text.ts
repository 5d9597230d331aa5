// The building blocks of generated Ansible tasks: the task shape and text that must reach the VM untemplated.
import { Scalar } from 'yaml';

export type Task = Record<string, unknown>;

/** Text that goes to the VM as it is: `!unsafe` keeps Ansible from reading `{{ }}` in it as a template. */
export function literal(text: string): Scalar {
  const node = new Scalar(text);
  node.type = text.includes('\n') ? 'BLOCK_LITERAL' : 'QUOTE_DOUBLE';
  node.tag = '!unsafe';
  return node;
}
