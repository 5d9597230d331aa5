// A loopback HTTP server that serves release artifacts to the real-root tests, as dl.gitea.com or
// download.nextcloud.com would: what it serves is set per path, anything else is a 404.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReleaseServer {
  /** `http://127.0.0.1:<port>`, no trailing slash. */
  readonly base: string;
  /** The bytes served at each URL path; a test adds, replaces (a tampered artifact) or removes them. */
  readonly served: Map<string, Buffer>;
  readonly close: () => Promise<void>;
}

export async function startReleaseServer(): Promise<ReleaseServer> {
  const served = new Map<string, Buffer>();
  const server = createServer((req, res) => {
    const body = served.get(req.url ?? '');
    res.writeHead(body ? 200 : 404, { 'content-type': 'application/octet-stream' });
    res.end(body ?? 'not found');
  });
  await new Promise<void>((ready) => server.listen(0, '127.0.0.1', ready));
  return {
    base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    served,
    close: () => new Promise((closed) => server.close(() => closed())),
  };
}
