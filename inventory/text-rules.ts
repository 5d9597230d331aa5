// Rules every string of every inventory file obeys, whatever its field: no secrets, no cdktf token markers.
import { maskText } from './secrets.ts';
import type { Finding, Path } from './findings.ts';
import { looksLikePrivateKey } from './ssh-key.ts';
import type { SourceFile } from './source.ts';

/** "root password: hunter2", "API token = abc": a secret written into free text, by name and value. */
const SECRET_LINE =
  /\b(password|passwd|passphrase|secret|token|api[ _-]?key|private[ _-]?key)\b\s*[:=]\s*\S/i;

/** Why a string must not be in the inventory at all, or undefined. Never quotes the string. */
export function textProblem(text: string): string | undefined {
  if (looksLikePrivateKey(text))
    return 'holds a private key (not shown); a private key was pasted: paste the ".pub" file, and treat the key as compromised';
  // maskText changes exactly what looks secret: URL passwords, API tokens, `password: ...` lines.
  if (maskText(text) !== text || SECRET_LINE.test(text))
    return 'looks like it holds a secret (a password, token or credential; not shown); expected no secret in the inventory: tools read their secrets from environment variables';
  // cdktf would resolve this marker as one of its own references instead of writing the text.
  if (/[$#&]\{TfToken\[/.test(text)) return 'holds a cdktf token marker; expected plain text';
  return undefined;
}

/** Findings for every string (values and keys) of a file's data that breaks a rule of textProblem. */
export function textFindings(data: unknown, source: SourceFile): Finding[] {
  const findings: Finding[] = [];
  const walk = (value: unknown, path: Path): void => {
    if (typeof value === 'string') {
      const problem = textProblem(value);
      if (problem) findings.push(source.finding('error', path, problem));
    } else if (Array.isArray(value)) {
      value.forEach((item, i) => walk(item, [...path, i]));
    } else if (value !== null && typeof value === 'object') {
      for (const [key, item] of Object.entries(value)) {
        const problem = textProblem(key);
        if (problem) findings.push(source.finding('error', [...path, key], `its key ${problem}`, true));
        walk(item, [...path, key]);
      }
    }
  };
  walk(data, []);
  return findings;
}
