// Adds or removes one member in the text of members.yaml, keeping every other byte (comments, order, quoting):
// the yaml Document API locates the entries and renders the new one; the rest of the file is left as written.
import { Document, isMap, isScalar, isSeq, type Node, parseDocument, Scalar, type YAMLSeq } from 'yaml';
import type { Member } from '../inventory/members.schema.ts';

export class EditError extends Error {}

function membersSeq(doc: Document): YAMLSeq | undefined {
  const node = doc.get('members', true);
  return isSeq(node) ? node : undefined;
}

function parse(text: string): Document {
  const doc = parseDocument(text);
  if (doc.errors.length > 0)
    throw new EditError(`members.yaml does not parse: ${doc.errors[0]!.message.split('\n')[0]}`);
  return doc;
}

function lineStart(text: string, offset: number): number {
  return text.lastIndexOf('\n', offset - 1) + 1;
}

function nextLine(text: string, offset: number): number {
  const nl = text.indexOf('\n', offset);
  return nl < 0 ? text.length : nl + 1;
}

/** The entry as YAML in the file's own style: block mapping, roles as a flow list, keys in schema order. */
function renderEntry(member: Member, indent: string): string {
  const entry = {
    user: member.user,
    name: member.name,
    email: member.email,
    keys: member.keys,
    roles: member.roles,
    since: member.since,
    ...(member.until ? { until: member.until } : {}),
    sponsor: member.sponsor,
    ...(member.matrix ? { matrix: member.matrix } : {}),
  };
  const doc = new Document({ members: [entry] });
  const roles = doc.getIn(['members', 0, 'roles'], true);
  if (isSeq(roles)) roles.flow = true;
  // Dates stay plain (YAML 1.2 reads them as text); a Matrix ID starts with "@" and must be quoted.
  const matrix = doc.getIn(['members', 0, 'matrix'], true);
  if (isScalar(matrix)) matrix.type = Scalar.QUOTE_DOUBLE;
  const body = doc
    .toString({ lineWidth: 0, indentSeq: true, flowCollectionPadding: false })
    .split('\n')
    .slice(1)
    .filter((l) => l !== '');
  // Rendered with a two-space sequence indent; re-indent to the file's.
  return body.map((l) => `${indent}${l.slice(2)}\n`).join('');
}

/** members.yaml text with `member` appended as the last entry. */
export function addMember(text: string, member: Member): string {
  const doc = parse(text);
  const seq = membersSeq(doc);
  if (!seq || seq.flow || seq.items.length === 0) {
    // An empty or flow list has no block style to follow: write the list as a block.
    const rendered = renderEntry(member, '  ');
    const pair = isMap(doc.contents)
      ? doc.contents.items.find((p) => isScalar(p.key) && p.key.value === 'members')
      : undefined;
    if (!pair || !isScalar(pair.key) || !pair.key.range)
      return `${text}${text.endsWith('\n') || text === '' ? '' : '\n'}members:\n${rendered}`;
    const start = lineStart(text, pair.key.range[0]);
    const valueEnd = (pair.value as Node | null)?.range?.[1] ?? pair.key.range[1];
    return `${text.slice(0, start)}members:\n${rendered}${text.slice(nextLine(text, valueEnd - 1))}`;
  }
  const first = seq.items[0] as Node;
  const dash = text.lastIndexOf('-', first.range![0]);
  const indent = ' '.repeat(dash - lineStart(text, dash));
  const last = seq.items[seq.items.length - 1] as Node;
  const at = nextLine(text, last.range![1] - 1);
  const before = text.slice(0, at);
  return `${before}${before.endsWith('\n') ? '' : '\n'}${renderEntry(member, indent)}${text.slice(at)}`;
}

/**
 * members.yaml text without the entry of `user`: its lines, and the comment lines right above it (they
 * describe it), go; everything else stays byte for byte.
 */
export function removeMember(text: string, user: string): string {
  const doc = parse(text);
  const seq = membersSeq(doc);
  const index = seq?.items.findIndex((item) => isMap(item) && item.get('user') === user) ?? -1;
  if (!seq || index < 0) throw new EditError(`"${user}" is not in members.yaml`);
  const item = seq.items[index] as Node;
  const dash = text.lastIndexOf('-', item.range![0]);
  let start = lineStart(text, dash);
  // Take the comment lines directly above (no blank line between) with the entry.
  for (;;) {
    if (start === 0) break;
    const prev = lineStart(text, start - 1);
    const line = text.slice(prev, start - 1);
    if (!/^\s*#/.test(line)) break;
    start = prev;
  }
  let end: number;
  const next = seq.items[index + 1] as Node | undefined;
  if (next) {
    const nextDash = text.lastIndexOf('-', next.range![0]);
    end = lineStart(text, nextDash);
    // The next entry's own comment lines stay with it.
    for (;;) {
      const prev = lineStart(text, end - 1);
      if (end === 0 || !/^\s*#/.test(text.slice(prev, end - 1))) break;
      end = prev;
    }
  } else {
    end = nextLine(text, item.range![1] - 1);
  }
  return text.slice(0, start) + text.slice(end);
}
