// The Gitea comment client against a small fake Gitea on 127.0.0.1: one comment per pull request, kept current.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  GiteaError,
  type GiteaTarget,
  MARKER,
  MAX_BODY,
  targetFromEnv,
  upsertComment,
} from '../review/gitea.ts';

interface Recorded {
  readonly method: string;
  readonly url: string;
  readonly authorization: string | undefined;
  readonly body: unknown;
}

interface Comment {
  id: number;
  body: string;
  user: { login: string };
}

/** The account the token belongs to. */
const BOT = 'infra-bot';

/** Just enough of Gitea's issue-comment API, paginated like Gitea 1.22 (page, limit). */
class FakeGitea {
  readonly requests: Recorded[] = [];
  comments: Comment[] = [];
  nextId = 100;
  failWith: number | undefined;
  private server: Server | undefined;

  async start(): Promise<string> {
    this.server = createServer((req, res) => {
      void this.handle(req).then(({ status, json }) => {
        res.writeHead(status, { 'Content-Type': 'application/json' });
        res.end(JSON.stringify(json));
      });
    });
    await new Promise<void>((done) => this.server!.listen(0, '127.0.0.1', done));
    return `http://127.0.0.1:${(this.server!.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    await new Promise<void>((done) => this.server?.close(() => done()) ?? done());
  }

  private async handle(req: IncomingMessage): Promise<{ status: number; json: unknown }> {
    let raw = '';
    for await (const chunk of req) raw += String(chunk);
    const body: unknown = raw === '' ? undefined : JSON.parse(raw);
    const url = new URL(req.url ?? '/', 'http://x');
    this.requests.push({
      method: req.method ?? '',
      url: req.url ?? '',
      authorization: req.headers.authorization,
      body,
    });
    if (req.headers.authorization !== 'token secret-token')
      return { status: 401, json: { message: 'token is required' } };
    if (this.failWith) return { status: this.failWith, json: { message: 'boom' } };
    const list = /^\/api\/v1\/repos\/infra\/main\/issues\/7\/comments$/.exec(url.pathname);
    const edit = /^\/api\/v1\/repos\/infra\/main\/issues\/comments\/(\d+)$/.exec(url.pathname);
    if (url.pathname === '/api/v1/user' && req.method === 'GET')
      return { status: 200, json: { id: 9, login: BOT } };
    if (list && req.method === 'GET') {
      const page = Number(url.searchParams.get('page') ?? 1);
      const limit = Number(url.searchParams.get('limit') ?? 30);
      return { status: 200, json: this.comments.slice((page - 1) * limit, page * limit) };
    }
    if (list && req.method === 'POST') {
      const comment = { id: this.nextId++, body: (body as { body: string }).body, user: { login: BOT } };
      this.comments.push(comment);
      return { status: 201, json: comment };
    }
    if (edit && req.method === 'PATCH') {
      const comment = this.comments.find((c) => c.id === Number(edit[1]));
      if (!comment) return { status: 404, json: { message: 'not found' } };
      comment.body = (body as { body: string }).body;
      return { status: 200, json: comment };
    }
    return { status: 404, json: { message: 'no route' } };
  }
}

const gitea = new FakeGitea();
let target: GiteaTarget;

beforeAll(async () => {
  const baseUrl = await gitea.start();
  target = { baseUrl: `${baseUrl}/`, token: 'secret-token', owner: 'infra', repo: 'main', index: 7 };
});
afterAll(async () => {
  await gitea.stop();
});
beforeEach(() => {
  gitea.requests.length = 0;
  gitea.comments = [];
  gitea.failWith = undefined;
});

const paths = () => gitea.requests.map((r) => `${r.method} ${r.url}`);

describe('the review comment on Gitea', () => {
  it('is created on the first run and edited in place on the next', async () => {
    gitea.comments.push({ id: 1, body: 'LGTM', user: { login: 'ada' } });

    const first = await upsertComment(target, 'first diff\n');
    expect(first).toEqual({ action: 'created', id: 100 });
    expect(paths()).toEqual([
      'GET /api/v1/user',
      'GET /api/v1/repos/infra/main/issues/7/comments?page=1&limit=50',
      'POST /api/v1/repos/infra/main/issues/7/comments',
    ]);
    expect(gitea.requests[2]!.body).toEqual({ body: `${MARKER}\nfirst diff\n` });
    expect(gitea.requests.every((r) => r.authorization === 'token secret-token')).toBe(true);

    gitea.requests.length = 0;
    const second = await upsertComment(target, 'second diff\n');
    expect(second).toEqual({ action: 'updated', id: 100 });
    expect(paths()).toEqual([
      'GET /api/v1/user',
      'GET /api/v1/repos/infra/main/issues/7/comments?page=1&limit=50',
      'PATCH /api/v1/repos/infra/main/issues/comments/100',
    ]);
    expect(gitea.comments).toEqual([
      { id: 1, body: 'LGTM', user: { login: 'ada' } },
      { id: 100, body: `${MARKER}\nsecond diff\n`, user: { login: BOT } },
    ]);
  });

  it('pages through a long discussion to find its own comment', async () => {
    for (let i = 0; i < 120; i++)
      gitea.comments.push({ id: i + 1, body: `comment ${i}`, user: { login: i === 110 ? BOT : 'ada' } });
    gitea.comments[110]!.body = `${MARKER}\nold diff`;
    const result = await upsertComment(target, 'new diff');
    expect(result).toEqual({ action: 'updated', id: 111 });
    expect(paths()).toEqual([
      'GET /api/v1/user',
      'GET /api/v1/repos/infra/main/issues/7/comments?page=1&limit=50',
      'GET /api/v1/repos/infra/main/issues/7/comments?page=2&limit=50',
      'GET /api/v1/repos/infra/main/issues/7/comments?page=3&limit=50',
      'PATCH /api/v1/repos/infra/main/issues/comments/111',
    ]);
  });

  it("never edits someone else's comment that carries the marker: it writes its own", async () => {
    const forged = `${MARKER}\nNo one gains or loses access. LGTM from the bot.`;
    gitea.comments.push({ id: 5, body: forged, user: { login: 'mallory' } });
    const result = await upsertComment(target, 'the real review\n');
    expect(result.action).toBe('created');
    expect(gitea.comments[0]).toEqual({ id: 5, body: forged, user: { login: 'mallory' } });
    expect(paths()).not.toContain('PATCH /api/v1/repos/infra/main/issues/comments/5');
  });

  it('refuses a body over the limit instead of cutting it blind', async () => {
    const error = await upsertComment(target, 'x'.repeat(MAX_BODY + 1)).catch((err: unknown) => err);
    expect(error).toBeInstanceOf(GiteaError);
    expect((error as Error).message).toMatch(/over 60000; build it with cli\/review-comment.ts/);
    expect(gitea.requests).toEqual([]);
  });

  it('reports an API error with its status, and never the token', async () => {
    gitea.failWith = 500;
    const error = await upsertComment(target, 'x').catch((err: unknown) => err);
    expect(error).toBeInstanceOf(GiteaError);
    expect((error as Error).message).toMatch(/^GET http:\/\/127\.0\.0\.1:\d+\/api\/v1\/user: HTTP 500 /);
    expect((error as Error).message).not.toContain('secret-token');
  });
});

describe('an unreachable Gitea', () => {
  it('is an error that names the request, not a crash', async () => {
    const error = await upsertComment({ ...target, baseUrl: 'http://127.0.0.1:1' }, 'x').catch(
      (err: unknown) => err,
    );
    expect(error).toBeInstanceOf(GiteaError);
    expect((error as Error).message).toMatch(/^GET http:\/\/127\.0\.0\.1:1\/api\/v1\/user: fetch failed/);
  });
});

describe('where to comment, from the Drone environment', () => {
  const drone = {
    DRONE_REPO_OWNER: 'infra',
    DRONE_REPO_NAME: 'main',
    DRONE_PULL_REQUEST: '7',
    DRONE_REPO_LINK: 'https://git.example.org/infra/main',
  };

  it('derives the Gitea address from the repository link when GITEA_URL is not set', () => {
    expect(targetFromEnv({ ...drone, GITEA_TOKEN: 't' })).toEqual({
      target: { baseUrl: 'https://git.example.org', token: 't', owner: 'infra', repo: 'main', index: 7 },
    });
  });

  it('skips, saying why, without a token (a fork) or outside a pull request', () => {
    expect(targetFromEnv(drone)).toEqual({
      skip: 'no GITEA_TOKEN: Drone gives no secrets to pull requests from forks; the diff is in the log above',
    });
    expect(targetFromEnv({ ...drone, DRONE_PULL_REQUEST: '', GITEA_TOKEN: 't' })).toEqual({
      skip: 'not a pull request build (DRONE_PULL_REQUEST is not set)',
    });
  });
});
