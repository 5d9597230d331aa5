// The building blocks of generated Ansible tasks: the task shape and text that must reach the VM untemplated.
import { Scalar, type ScalarTag } from 'yaml';

export type Task = Record<string, unknown>;

/** The tag that keeps Ansible from reading `{{ }}`, `{% %}` or `{# #}` in a string as a template. */
export const UNSAFE_TAG = '!unsafe';

/**
 * The YAML tags a reader of the generated Ansible needs (`parse(text, { customTags: ANSIBLE_YAML_TAGS })`):
 * `!unsafe` read back as the string it tags. Without it yaml warns on every tag and keeps the text anyway.
 */
export const ANSIBLE_YAML_TAGS: ScalarTag[] = [{ tag: UNSAFE_TAG, resolve: (text: string) => text }];

/** Text that goes to the VM as it is: `!unsafe` keeps Ansible from reading `{{ }}` in it as a template. */
export function literal(text: string): Scalar {
  const node = new Scalar(text);
  node.type = text.includes('\n') ? 'BLOCK_LITERAL' : 'QUOTE_DOUBLE';
  node.tag = UNSAFE_TAG;
  return node;
}
