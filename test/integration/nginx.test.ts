import assert from 'node:assert/strict';
import http from 'node:http';
import https from 'node:https';
import { after, before, describe, test } from 'node:test';
import WebSocket from 'ws';
import type { ServerFrame } from '../../src/shared/wire.js';
import { images } from '../fixtures/images.js';
import { nginxAvailable, type RunningNginx, startNginx } from '../helpers/nginx.js';
import { startServer, type TestServer } from '../helpers/server.js';

const missing = nginxAvailable() ? false : 'nginx is not installed (apt-get install nginx)';
if (missing && process.env.CI) throw new Error(`CI needs nginx: ${missing}`);
if (missing) console.log(`SKIPPED: nginx suite: ${missing}`);

interface Reply {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

describe('behind nginx with TLS', { skip: missing }, () => {
  let natter: TestServer;
  let nginx: RunningNginx;

  before(async () => {
    natter = await startServer({ settings: { TRUST_PROXY: 'loopback' } });
    nginx = await startNginx(natter.port);
  });
  after(async () => {
    await nginx?.stop();
    await natter?.stop();
  });

  /** A browser-like HTTPS request: Origin of the site, our CA trusted, optionally from another loopback address. */
  function request(
    method: string,
    path: string,
    opts: { cookie?: string; body?: Buffer | string; headers?: Record<string, string>; from?: string } = {},
  ) {
    return new Promise<Reply>((resolve, reject) => {
      const req = https.request(
        nginx.httpsUrl + path,
        {
          method,
          ca: nginx.ca,
          localAddress: opts.from,
          headers: {
            origin: nginx.httpsUrl,
            ...(opts.cookie ? { cookie: opts.cookie } : {}),
            ...(typeof opts.body === 'string' ? { 'content-type': 'application/json' } : {}),
            ...opts.headers,
          },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c) => chunks.push(c));
          res.on('end', () =>
            resolve({
              status: res.statusCode!,
              headers: res.headers,
              body: Buffer.concat(chunks).toString(),
            }),
          );
        },
      );
      req.on('error', reject);
      req.end(opts.body);
    });
  }

  async function signUp(username: string) {
    const reply = await request('POST', '/api/register', {
      body: JSON.stringify({ username, password: 'a long password' }),
    });
    assert.equal(reply.status, 201, reply.body);
    const setCookie = reply.headers['set-cookie']?.[0] ?? '';
    return {
      setCookie,
      cookie: setCookie.split(';')[0]!,
      user: JSON.parse(reply.body).user as { id: number },
    };
  }

  function wss(cookie: string): Promise<{ ws: WebSocket; frames: ServerFrame[] }> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(`wss://localhost:${nginx.httpsPort}/ws`, {
        ca: nginx.ca,
        headers: { cookie, origin: nginx.httpsUrl },
      });
      const frames: ServerFrame[] = [];
      ws.on('message', (data) => frames.push(JSON.parse(data.toString())));
      ws.once('open', () => resolve({ ws, frames }));
      ws.once('error', reject);
    });
  }

  async function waitFor<T>(get: () => T | undefined, what: string): Promise<T> {
    for (let i = 0; i < 200; i++) {
      const value = get();
      if (value !== undefined) return value;
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    throw new Error(`timed out waiting for ${what}`);
  }

  test('plain HTTP is redirected to HTTPS', async () => {
    const reply = await new Promise<http.IncomingMessage>((resolve) =>
      http.get(`${nginx.httpUrl}/login`, resolve),
    );
    assert.equal(reply.statusCode, 301);
    assert.match(reply.headers.location ?? '', /^https:\/\/.*\/login$/);
  });

  test('sign-up and login over https:// give a Secure __Host- cookie and HSTS', async () => {
    const { setCookie } = await signUp('tlsalice');
    assert.match(setCookie, /^__Host-natter\.sid=/);
    assert.match(setCookie, /Secure/);
    assert.match(setCookie, /HttpOnly/);
    const login = await request('POST', '/api/login', {
      body: JSON.stringify({ username: 'tlsalice', password: 'a long password' }),
    });
    assert.equal(login.status, 200);
    assert.match(login.headers['strict-transport-security'] ?? '', /max-age/);
    const cookie = login.headers['set-cookie']![0]!.split(';')[0]!;
    assert.equal((await request('GET', '/api/me', { cookie })).status, 200);
    const page = await request('GET', '/rooms/1', { cookie });
    assert.equal(page.status, 200);
    assert.match(page.body, /role="log"/);
  });

  test('a live message goes both ways over wss://', async () => {
    const alice = await signUp('wssalice');
    const bob = await signUp('wssbob');
    const a = await wss(alice.cookie);
    const b = await wss(bob.cookie);
    for (const s of [a, b]) s.ws.send(JSON.stringify({ type: 'subscribe', roomId: 1 }));
    await waitFor(() => b.frames.find((f) => f.type === 'presence' && f.online.length >= 2), 'presence');
    a.ws.send(JSON.stringify({ type: 'send', clientId: 'tls-1', roomId: 1, text: 'over TLS' }));
    await waitFor(() => a.frames.find((f) => f.type === 'ack'), 'ack');
    await waitFor(
      () => b.frames.find((f) => f.type === 'message' && f.message.text === 'over TLS'),
      'alice → bob',
    );
    b.ws.send(JSON.stringify({ type: 'send', clientId: 'tls-2', roomId: 1, text: 'and back' }));
    await waitFor(
      () => a.frames.find((f) => f.type === 'message' && f.message.text === 'and back'),
      'bob → alice',
    );
    a.ws.close();
    b.ws.close();
  });

  test('an upload goes through nginx and comes back with its headers', async () => {
    const alice = await signUp('tlsuploader');
    const boundary = 'natterTlsBoundary';
    const body = Buffer.concat([
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="dot.png"\r\nContent-Type: image/png\r\n\r\n`,
      ),
      images.png,
      Buffer.from(`\r\n--${boundary}--\r\n`),
    ]);
    const upload = await request('POST', '/api/uploads', {
      cookie: alice.cookie,
      body,
      headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
    });
    assert.equal(upload.status, 201, upload.body);
    const { attachment } = JSON.parse(upload.body);
    const served = await request('GET', attachment.url, { cookie: alice.cookie });
    assert.equal(served.status, 200);
    assert.equal(served.headers['content-type'], 'image/png');
    assert.equal(served.headers['x-content-type-options'], 'nosniff');
  });

  test('versioned static assets are cached for a year and served from nginx’s cache', async () => {
    const url = `/css/base.css?v=${natter.natter.assetVersion}`;
    const first = await request('GET', url);
    assert.equal(first.status, 200);
    assert.match(first.headers['cache-control'] ?? '', /max-age=31536000, immutable/);
    const second = await request('GET', url);
    assert.equal(second.headers['x-cache-status'], 'HIT');
    assert.equal(second.body, first.body);
    const unversioned = await request('GET', '/css/base.css');
    assert.equal(unversioned.headers['cache-control'], 'no-cache');
  });

  test('the client address from X-Forwarded-For reaches Natter’s logs', async () => {
    const reply = await request('GET', '/healthz?from-nginx-test', { from: '127.0.0.2' });
    assert.equal(reply.status, 200);
    const record = await waitFor(
      () =>
        natter.logs.records.find((r) =>
          String((r.req as { url?: string } | undefined)?.url).includes('from-nginx-test'),
        ),
      'request log line',
    );
    assert.equal(record.clientIp, '127.0.0.2');
    assert.equal(
      (record.req as { remoteAddress?: string }).remoteAddress,
      '127.0.0.1',
      'the socket itself is nginx',
    );
  });
});
