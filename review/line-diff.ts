// A small Myers line diff and its unified-diff rendering, so artifacts and long strings read like `git diff`.

export interface Edit {
  readonly kind: 'equal' | 'delete' | 'insert';
  readonly line: string;
}

/** Past this many differing lines the shortest edit script costs more than it helps: show delete-all, insert-all. */
const MAX_EDIT_DISTANCE = 2000;

/** The shortest edit script turning `a` into `b` (Myers 1986), common prefix and suffix trimmed first. */
export function diffLines(a: readonly string[], b: readonly string[]): Edit[] {
  let start = 0;
  while (start < a.length && start < b.length && a[start] === b[start]) start++;
  let endA = a.length;
  let endB = b.length;
  while (endA > start && endB > start && a[endA - 1] === b[endB - 1]) {
    endA--;
    endB--;
  }
  const middle = myers(a.slice(start, endA), b.slice(start, endB));
  return [
    ...a.slice(0, start).map((line) => ({ kind: 'equal' as const, line })),
    ...middle,
    ...a.slice(endA).map((line) => ({ kind: 'equal' as const, line })),
  ];
}

function myers(a: readonly string[], b: readonly string[]): Edit[] {
  const n = a.length;
  const m = b.length;
  if (n === 0 || m === 0) return replaceAll(a, b);
  const max = n + m;
  const offset = max + 1;
  const v = new Int32Array(2 * max + 3);
  // history[d] holds v[-d..d] after step d, enough to walk the path back.
  const history: Int32Array[] = [];
  for (let d = 0; d <= max; d++) {
    if (d > MAX_EDIT_DISTANCE) return replaceAll(a, b);
    for (let k = -d; k <= d; k += 2) {
      const down = k === -d || (k !== d && v[offset + k - 1]! < v[offset + k + 1]!);
      let x = down ? v[offset + k + 1]! : v[offset + k - 1]! + 1;
      let y = x - k;
      while (x < n && y < m && a[x] === b[y]) {
        x++;
        y++;
      }
      v[offset + k] = x;
      if (x >= n && y >= m) {
        history.push(v.slice(offset - d, offset + d + 1));
        return backtrack(a, b, history);
      }
    }
    history.push(v.slice(offset - d, offset + d + 1));
  }
  return replaceAll(a, b);
}

function backtrack(a: readonly string[], b: readonly string[], history: readonly Int32Array[]): Edit[] {
  const out: Edit[] = [];
  let x = a.length;
  let y = b.length;
  for (let d = history.length - 1; d > 0; d--) {
    const prev = history[d - 1]!;
    const at = (k: number): number => prev[k + d - 1]!;
    const k = x - y;
    const down = k === -d || (k !== d && at(k - 1) < at(k + 1));
    const prevK = down ? k + 1 : k - 1;
    const prevX = at(prevK);
    const prevY = prevX - prevK;
    while (x > prevX && y > prevY) {
      out.push({ kind: 'equal', line: a[x - 1]! });
      x--;
      y--;
    }
    if (x === prevX) out.push({ kind: 'insert', line: b[y - 1]! });
    else out.push({ kind: 'delete', line: a[x - 1]! });
    x = prevX;
    y = prevY;
  }
  while (x > 0 && y > 0) {
    out.push({ kind: 'equal', line: a[x - 1]! });
    x--;
    y--;
  }
  return out.reverse();
}

function replaceAll(a: readonly string[], b: readonly string[]): Edit[] {
  return [
    ...a.map((line) => ({ kind: 'delete' as const, line })),
    ...b.map((line) => ({ kind: 'insert' as const, line })),
  ];
}

/** Lines of a text file; a final newline ends the last line rather than starting an empty one. */
export function splitLines(text: string): string[] {
  if (text === '') return [];
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  return lines;
}

export interface UnifiedDiff {
  /** `---`/`+++` header, then hunks; empty when the texts are equal. */
  readonly lines: readonly string[];
  readonly added: number;
  readonly removed: number;
}

/** Unified diff with `context` lines around each change, as `diff -u` and `git diff` print it. */
export function unifiedDiff(
  before: string,
  after: string,
  from: string,
  to: string,
  context = 3,
): UnifiedDiff {
  if (before === after) return { lines: [], added: 0, removed: 0 };
  const a = splitLines(before);
  const b = splitLines(after);
  const edits = diffLines(a, b);
  const header = [`--- ${from}`, `+++ ${to}`];
  const added = edits.filter((e) => e.kind === 'insert').length;
  const removed = edits.filter((e) => e.kind === 'delete').length;
  if (added === 0 && removed === 0) {
    return { lines: [...header, '(only the newline at the end of the file differs)'], added, removed };
  }

  // Positions of every edit in both files, so hunks can name their line ranges.
  const positioned: { edit: Edit; aLine: number; bLine: number }[] = [];
  let aLine = 0;
  let bLine = 0;
  for (const edit of edits) {
    positioned.push({ edit, aLine, bLine });
    if (edit.kind !== 'insert') aLine++;
    if (edit.kind !== 'delete') bLine++;
  }

  const hunks: string[] = [];
  let i = 0;
  while (i < positioned.length) {
    if (positioned[i]!.edit.kind === 'equal') {
      i++;
      continue;
    }
    let first = Math.max(0, i - context);
    let last = i;
    // Extend the hunk while the next change is close enough that the contexts would touch.
    for (let j = i; j < positioned.length; j++) {
      if (positioned[j]!.edit.kind !== 'equal') last = j;
      else if (j - last > 2 * context) break;
    }
    const end = Math.min(positioned.length - 1, last + context);
    first = Math.max(first, 0);
    const slice = positioned.slice(first, end + 1);
    const aCount = slice.filter((p) => p.edit.kind !== 'insert').length;
    const bCount = slice.filter((p) => p.edit.kind !== 'delete').length;
    const aStart = aCount === 0 ? slice[0]!.aLine : slice[0]!.aLine + 1;
    const bStart = bCount === 0 ? slice[0]!.bLine : slice[0]!.bLine + 1;
    hunks.push(`@@ -${range(aStart, aCount)} +${range(bStart, bCount)} @@`);
    for (const p of slice) {
      const sign = p.edit.kind === 'equal' ? ' ' : p.edit.kind === 'delete' ? '-' : '+';
      hunks.push(`${sign}${p.edit.line}`);
    }
    i = end + 1;
  }
  return { lines: [...header, ...hunks], added, removed };
}

function range(start: number, count: number): string {
  return count === 1 ? `${start}` : `${start},${count}`;
}
