// Keeps one review comment per pull request up to date on Gitea: found by a marker line, edited, or created once.
import { z } from 'zod';

/** The line that identifies our comment among everyone else's. */
export const MARKER = '<!-- infra-review -->';

/** Comments past this many characters are cut: a browser must still open the pull request. */
export const MAX_BODY = 60_000;

export interface GiteaTarget {
  /** `https://git.example.org`, without `/api/v1`. */
  readonly baseUrl: string;
  readonly token: string;
  readonly owner: string;
  readonly repo: string;
  /** Pull request number (Gitea calls it the issue index). */
  readonly index: number;
}

export interface UpsertResult {
  readonly action: 'created' | 'updated';
  readonly id: number;
}

export class GiteaError extends Error {}

const commentList = z.array(z.object({ id: z.number(), body: z.string().nullish() }).loose());
const commentCreated = z.object({ id: z.number() }).loose();

const PAGE_SIZE = 50;
const MAX_PAGES = 100;

/** The body with the marker on its first line, cut to MAX_BODY. */
export function withMarker(body: string): string {
  const marked = body.includes(MARKER) ? body : `${MARKER}\n${body}`;
  if (marked.length <= MAX_BODY) return marked;
  return `${marked.slice(0, MAX_BODY)}\n\n… cut at ${MAX_BODY} characters; the CI log has everything.\n`;
}

/** Posts the comment, or edits the one that carries the marker, so a pull request has exactly one. */
export async function upsertComment(
  target: GiteaTarget,
  body: string,
  fetchImpl: typeof fetch = fetch,
): Promise<UpsertResult> {
  const api = `${target.baseUrl.replace(/\/+$/, '')}/api/v1/repos/${encodeURIComponent(target.owner)}/${encodeURIComponent(target.repo)}`;
  const headers = {
    Authorization: `token ${target.token}`,
    Accept: 'application/json',
    'Content-Type': 'application/json',
  };
  const call = async (method: string, url: string, payload?: unknown): Promise<unknown> => {
    let response: Response;
    try {
      response = await fetchImpl(url, {
        method,
        headers,
        ...(payload === undefined ? {} : { body: JSON.stringify(payload) }),
      });
    } catch (err) {
      const cause = (err as { cause?: { message?: string } }).cause?.message;
      throw new GiteaError(`${method} ${url}: ${(err as Error).message}${cause ? ` (${cause})` : ''}`);
    }
    const text = await response.text();
    if (!response.ok) {
      throw new GiteaError(`${method} ${url}: HTTP ${response.status} ${text.slice(0, 300)}`);
    }
    try {
      return JSON.parse(text) as unknown;
    } catch {
      throw new GiteaError(`${method} ${url}: answer is not JSON: ${text.slice(0, 300)}`);
    }
  };

  const full = withMarker(body);
  const existing = await findMarked(api, target.index, (url) => call('GET', url));
  if (existing !== undefined) {
    await call('PATCH', `${api}/issues/comments/${existing}`, { body: full });
    return { action: 'updated', id: existing };
  }
  const created = commentCreated.safeParse(
    await call('POST', `${api}/issues/${target.index}/comments`, { body: full }),
  );
  if (!created.success) throw new GiteaError('POST comment: the answer has no comment id');
  return { action: 'created', id: created.data.id };
}

/**
 * The id of the first comment holding the marker. Pages until a short or repeated page: older Gitea versions
 * ignore `page`/`limit` on this endpoint and answer everything at once.
 */
async function findMarked(
  api: string,
  index: number,
  get: (url: string) => Promise<unknown>,
): Promise<number | undefined> {
  const seen = new Set<number>();
  for (let page = 1; page <= MAX_PAGES; page++) {
    const parsed = commentList.safeParse(
      await get(`${api}/issues/${index}/comments?page=${page}&limit=${PAGE_SIZE}`),
    );
    if (!parsed.success) throw new GiteaError('listing comments: expected a JSON list of comments');
    const fresh = parsed.data.filter((c) => !seen.has(c.id));
    const mine = fresh.find((c) => c.body?.includes(MARKER));
    if (mine) return mine.id;
    for (const c of fresh) seen.add(c.id);
    if (fresh.length === 0 || parsed.data.length < PAGE_SIZE) return undefined;
  }
  return undefined;
}

/** Where to comment, from Drone's environment; or why not to (a push, a fork without secrets). */
export function targetFromEnv(env: NodeJS.ProcessEnv): { target: GiteaTarget } | { skip: string } {
  const owner = env.DRONE_REPO_OWNER;
  const repo = env.DRONE_REPO_NAME;
  const index = Number(env.DRONE_PULL_REQUEST);
  if (!env.DRONE_PULL_REQUEST || !Number.isInteger(index) || index < 1) {
    return { skip: 'not a pull request build (DRONE_PULL_REQUEST is not set)' };
  }
  if (!owner || !repo) return { skip: 'DRONE_REPO_OWNER or DRONE_REPO_NAME is not set' };
  if (!env.GITEA_TOKEN) {
    return {
      skip: 'no GITEA_TOKEN: Drone gives no secrets to pull requests from forks; the diff is in the log above',
    };
  }
  const suffix = `/${owner}/${repo}`;
  const link = env.DRONE_REPO_LINK?.replace(/\/+$/, '');
  const baseUrl = env.GITEA_URL ?? (link?.endsWith(suffix) ? link.slice(0, -suffix.length) : undefined);
  if (!baseUrl) return { skip: 'neither GITEA_URL nor DRONE_REPO_LINK tells where Gitea is' };
  return { target: { baseUrl, token: env.GITEA_TOKEN, owner, repo, index } };
}
