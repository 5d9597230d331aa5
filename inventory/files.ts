// Reads one inventory file safely: only a regular file inside the inventory directory, of bounded size, as UTF-8 text.
import { closeSync, fstatSync, lstatSync, openSync, readSync, realpathSync } from 'node:fs';
import { isAbsolute, relative } from 'node:path';

/** Far above any real inventory file (100 times the example's vms.yaml is about 2 MiB). */
export const MAX_FILE_BYTES = 8 * 1024 * 1024;

export type FileRead = { readonly text: string } | { readonly problem: string };

function inside(dir: string, path: string): boolean {
  const rel = relative(dir, path);
  return rel !== '' && !rel.startsWith('..') && !isAbsolute(rel);
}

/**
 * The text of `path`, or why it is refused. A symbolic link may point elsewhere inside the inventory
 * directory, never out of it (a vms.yaml linked to /etc/passwd must not be read, let alone printed).
 */
export function readInventoryFile(dir: string, path: string): FileRead {
  let fd: number | undefined;
  try {
    if (lstatSync(path).isSymbolicLink() && !inside(realpathSync(dir), realpathSync(path)))
      return {
        problem: 'is a symbolic link to a file outside the inventory directory; expected a file of its own',
      };
    fd = openSync(path, 'r');
    const stat = fstatSync(fd);
    if (!stat.isFile())
      return { problem: 'is not a regular file (a directory, device or pipe); expected a YAML file' };
    if (stat.size > MAX_FILE_BYTES)
      return {
        problem: `is ${(stat.size / 1048576).toFixed(1)} MiB; expected at most ${MAX_FILE_BYTES / 1048576} MiB per inventory file`,
      };
    const bytes = Buffer.alloc(stat.size);
    let read = 0;
    while (read < stat.size) {
      const n = readSync(fd, bytes, read, stat.size - read, read);
      if (n === 0) break;
      read += n;
    }
    if (bytes.subarray(0, read).includes(0))
      return { problem: 'is not a text file (it holds NUL bytes); expected YAML' };
    try {
      return { text: new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(0, read)) };
    } catch {
      return { problem: 'is not UTF-8 text; expected a YAML file in UTF-8' };
    }
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? 'unknown error';
    return { problem: `cannot be read (${code}); expected a readable YAML file` };
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}
