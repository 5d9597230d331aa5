// The building blocks of generated Ansible tasks: the task shape and text that must reach the VM untemplated.
import { Scalar } from 'yaml';

export type Task = Record<string, unknown>;

/** The tag that keeps Ansible from reading `{{ }}`, `{% %}` or `{# #}` in a string as a template. */
export const UNSAFE_TAG = '!unsafe';

/** Text that goes to the VM as it is: `!unsafe` keeps Ansible from reading `{{ }}` in it as a template. */
export function literal(text: string): Scalar {
  const node = new Scalar(text);
  node.type = text.includes('\n') ? 'BLOCK_LITERAL' : 'QUOTE_DOUBLE';
  node.tag = UNSAFE_TAG;
  return node;
}
