// The files and directories a generated playbook writes, whether as tasks of their own or as items of a loop
// (baseline/ansible.ts groups the files of one handler, the directories and the SSH keys into loops).
import type { Task } from '../../baseline/ansible-text.ts';

/** One file the playbook writes, as the task of its own it would be (`File <path>`), and what it notifies. */
export interface WrittenFile {
  readonly path: string;
  readonly task: Task;
  readonly copy: Record<string, unknown>;
}

/** A task's string, or the text of a generator's Jinja expression (convergeTasks hands those as objects). */
function text(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  const expression = (value as { expression?: unknown } | null | undefined)?.expression;
  return typeof expression === 'string' ? expression : undefined;
}

const ITEM_REF = /^\{\{ item\.([a-z]+)(?: \| string)? \}\}$/;

/** A loop task's module arguments with `{{ item.x }}` replaced by the item's own values. */
function itemArgs(args: Record<string, unknown>, item: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(args).map(([key, value]) => {
      const expression = text(value);
      const ref = expression === undefined ? null : ITEM_REF.exec(expression);
      return [key, ref ? item[ref[1]!] : value];
    }),
  );
}

/** Each use of `module` by the tasks, a loop's items each as a task of its own (named by the loop's label). */
function uses(tasks: readonly Task[], module: string): Task[] {
  return tasks.flatMap((task) => {
    const args = task[module] as Record<string, unknown> | undefined;
    if (!args) return [];
    const label = text((task.loop_control as { label?: unknown } | undefined)?.label);
    if (!Array.isArray(task.loop) || !label) return [task];
    return (task.loop as Record<string, unknown>[]).map((item) => {
      const { loop: _loop, loop_control: _control, ...rest } = task;
      return {
        ...rest,
        name: label.replace(ITEM_LABEL, (_, key: string) => String(item[key])),
        [module]: itemArgs(args, item),
      };
    });
  });
}

const ITEM_LABEL = /\{\{ item\.([a-z]+) \}\}/;

/** Every file the playbook's tasks write (copy), by path. */
export function writtenFiles(tasks: readonly Task[]): Map<string, WrittenFile> {
  return new Map(
    uses(tasks, 'ansible.builtin.copy').map((task) => {
      const copy = task['ansible.builtin.copy'] as Record<string, unknown>;
      return [String(copy.dest), { path: String(copy.dest), task, copy }];
    }),
  );
}

/** Every path the playbook's tasks make a directory (file with state directory), a loop's each. */
export function madeDirectories(tasks: readonly Task[]): Set<string> {
  return new Set(
    uses(tasks, 'ansible.builtin.file').flatMap((task) => {
      const file = task['ansible.builtin.file'] as { path?: unknown; state?: string };
      return file.state === 'directory' && typeof file.path === 'string' ? [file.path] : [];
    }),
  );
}
