// Keeps one review comment per pull request up to date on Gitea: the bot's own comment with the marker line is
// edited, or one is created; a comment by anyone else is never touched, marker or not.
import { z } from 'zod';

/** The line that identifies our comment among everyone else's. */
export const MARKER = '<!-- infra-review -->';

/** Longer bodies are refused here: review/comment.ts cuts them first, saying so and keeping fences balanced. */
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

const commentList = z.array(
  z
    .object({
      id: z.number(),
      body: z.string().nullish(),
      user: z.object({ login: z.string() }).loose().nullish(),
    })
    .loose(),
);
const currentUser = z.object({ login: z.string() }).loose();
const commentCreated = z.object({ id: z.number() }).loose();

const PAGE_SIZE = 50;
const MAX_PAGES = 100;

/** The body with the marker on its first line; a body over MAX_BODY is an error, never cut blind. */
export function withMarker(body: string): string {
  const marked = body.includes(MARKER) ? body : `${MARKER}\n${body}`;
  if (marked.length > MAX_BODY)
    throw new GiteaError(
      `the comment has ${marked.length} characters, over ${MAX_BODY}; build it with cli/review-comment.ts, which cuts it and says so`,
    );
  return marked;
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
  // Whose token this is: only that account's comments are ours to edit.
  const me = currentUser.safeParse(await call('GET', `${target.baseUrl.replace(/\/+$/, '')}/api/v1/user`));
  if (!me.success) throw new GiteaError('GET /api/v1/user: the answer has no login');
  const existing = await findMarked(api, target.index, me.data.login, (url) => call('GET', url));
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
 * The id of the first comment written by `login` holding the marker: anyone can paste the marker into a comment
 * of their own, and the bot must not then edit (and vouch for) their words. Pages until a short or repeated page: older Gitea versions
 * ignore `page`/`limit` on this endpoint and answer everything at once.
 */
async function findMarked(
  api: string,
  index: number,
  login: string,
  get: (url: string) => Promise<unknown>,
): Promise<number | undefined> {
  const seen = new Set<number>();
  for (let page = 1; page <= MAX_PAGES; page++) {
    const parsed = commentList.safeParse(
      await get(`${api}/issues/${index}/comments?page=${page}&limit=${PAGE_SIZE}`),
    );
    if (!parsed.success) throw new GiteaError('listing comments: expected a JSON list of comments');
    const fresh = parsed.data.filter((c) => !seen.has(c.id));
    const mine = fresh.find((c) => c.user?.login === login && c.body?.includes(MARKER));
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
