// .ci/notify, the notify step of every Drone pipeline: one script, quiet without secrets, one Matrix message.
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const DRONE = {
  DRONE_REPO: 'infra/main',
  DRONE_STAGE_NAME: 'deploy',
  DRONE_BUILD_LINK: 'https://ci.invalid/infra/main/7',
  DRONE_BUILD_NUMBER: '7',
};

interface Received {
  method: string;
  url: string;
  auth: string;
  body: string;
}

let server: Server;
let port: number;
const received: Received[] = [];

beforeAll(async () => {
  server = createServer((req: IncomingMessage, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      received.push({
        method: req.method ?? '',
        url: req.url ?? '',
        auth: req.headers.authorization ?? '',
        body,
      });
      res.writeHead(200, { 'Content-Type': 'application/json' }).end('{"event_id":"$1"}');
    });
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  port = (server.address() as AddressInfo).port;
});
afterAll(() => new Promise<void>((done) => server.close(() => done())));

describe('.ci/notify', () => {
  it('says why and exits 0 when the Matrix secrets are not set', () => {
    const run = spawnSync('.ci/notify', ['at abc123'], {
      encoding: 'utf8',
      env: { PATH: process.env.PATH, ...DRONE },
    });
    expect(run.status).toBe(0);
    expect(run.stdout).toBe('No notification: the matrix_* secrets are not set.\n');
  });

  it('sends one message to the room, with the reason, the pipeline and the build link', async () => {
    const env = {
      PATH: process.env.PATH,
      ...DRONE,
      MATRIX_HOMESERVER: `http://127.0.0.1:${port}`,
      MATRIX_ROOM: '!room:example.org',
      MATRIX_TOKEN: 'token-value',
    };
    // Asynchronous, so this process's event loop can serve the request.
    const status = await new Promise<number | null>((done) => {
      spawn('.ci/notify', ['(drift or a failed plan)'], { env, stdio: 'ignore' }).once('exit', done);
    });
    expect(status).toBe(0);
    expect(received).toEqual([
      {
        method: 'PUT',
        url: '/_matrix/client/v3/rooms/%21room%3Aexample.org/send/m.room.message/drone-7-deploy',
        auth: 'Bearer token-value',
        body: JSON.stringify({
          msgtype: 'm.text',
          body: 'infra/main: pipeline deploy failed (drift or a failed plan): https://ci.invalid/infra/main/7',
        }),
      },
    ]);
  });

  it('is the only place .drone.yml talks to Matrix', () => {
    const drone = readFileSync('.drone.yml', 'utf8');
    expect(drone).not.toContain('_matrix/client');
    expect(drone.match(/^ {6}- \.ci\/notify /gm)).toHaveLength(2);
  });
});
