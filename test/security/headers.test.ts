import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { HttpClient, signedUp } from '../helpers/client.js';
import { startServer, type TestServer } from '../helpers/server.js';
import { assertStillHealthy } from './helpers.js';

describe('response headers', () => {
  let server: TestServer;
  before(async () => {
    server = await startServer();
  });
  after(() => server.stop());

  test('clickjacking: every page forbids framing', async () => {
    const alice = await signedUp(server);
    for (const path of ['/login', '/register', '/', '/rooms/1']) {
      const reply = await alice.get(path);
      assert.match(reply.headers.get('content-security-policy') ?? '', /frame-ancestors 'none'/, path);
      assert.equal(reply.headers.get('x-frame-options'), 'SAMEORIGIN', path);
    }
    await assertStillHealthy(server);
  });

  test('script injection: the page policy allows no inline script, no inline style, no other origin', async () => {
    const csp = (await new HttpClient(server.url).get('/login')).headers.get('content-security-policy') ?? '';
    assert.match(csp, /default-src 'self'/);
    assert.match(csp, /script-src 'self'(;|$)/);
    assert.match(csp, /style-src 'self'(;|$)/);
    assert.match(csp, /object-src 'none'/);
    assert.doesNotMatch(csp, /unsafe|\*|https?:/);
    await assertStillHealthy(server);
  });

  test('MIME sniffing and referrer leaks are switched off everywhere, API included', async () => {
    for (const path of ['/login', '/api/me', '/healthz', '/css/base.css']) {
      const reply = await new HttpClient(server.url).get(path);
      assert.equal(reply.headers.get('x-content-type-options'), 'nosniff', path);
      assert.equal(reply.headers.get('referrer-policy'), 'same-origin', path);
    }
    assert.equal((await new HttpClient(server.url).get('/login')).headers.get('x-powered-by'), null);
    await assertStillHealthy(server);
  });

  test('uploaded HTML cannot run: served as a sandboxed download', async () => {
    const alice = await signedUp(server);
    const upload = await alice.upload(
      '/api/uploads',
      '<!doctype html><script>fetch("/api/me")</script>',
      'page.html',
      'text/html',
    );
    const served = await fetch(server.url + upload.body.attachment.url, {
      headers: { cookie: alice.cookie! },
    });
    assert.equal(served.headers.get('content-type'), 'application/octet-stream');
    assert.match(served.headers.get('content-disposition') ?? '', /^attachment;/);
    assert.match(served.headers.get('content-security-policy') ?? '', /sandbox/);
    await assertStillHealthy(server);
  });
});
