import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startServer, type TestServer } from '../helpers/server.js';

// Every answer carries X-Request-Id (the client's own when it is a sane one), and each
// request is logged once when it ends, under that id.

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

describe('request ids and the request log', () => {
  let server: TestServer;

  before(async () => {
    server = await startServer();
  });
  after(() => server.stop());

  const get = (path: string, requestId?: string) =>
    fetch(server.url + path, { headers: requestId === undefined ? {} : { 'X-Request-Id': requestId } });

  const logLineFor = (id: string) =>
    server.logs.records.find((r) => (r.req as { id?: string } | undefined)?.id === id);

  test('a sane X-Request-Id is answered back and logs the request under it', async () => {
    const res = await get('/healthz?probe=1', 'trace-42_abc');
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('x-request-id'), 'trace-42_abc');
    await res.arrayBuffer();
    const line = logLineFor('trace-42_abc');
    assert.ok(line, 'the request was logged');
    assert.equal(line.msg, 'request completed');
    assert.equal(line.level, 30);
    const req = line.req as Record<string, unknown>;
    assert.deepEqual([req.method, req.url, req.remoteAddress], ['GET', '/healthz?probe=1', '127.0.0.1']);
    assert.deepEqual(line.res, { statusCode: 200 });
    assert.equal(typeof line.responseTime, 'number');
    assert.equal(typeof line.clientIp, 'string');
  });

  test('a missing or unsafe id is replaced by a fresh UUID', async () => {
    for (const given of [undefined, 'two words', '<script>', 'x'.repeat(65)]) {
      const res = await get('/healthz', given);
      const id = res.headers.get('x-request-id') ?? '';
      await res.arrayBuffer();
      assert.match(id, UUID, `for ${JSON.stringify(given)}`);
      assert.ok(logLineFor(id), 'logged under the new id');
    }
  });

  test('a refused request (4xx) is logged at info, not as a server failure', async () => {
    const res = await get('/api/rooms/1/messages', 'refused-401');
    await res.arrayBuffer();
    assert.equal(res.status, 401);
    const line = logLineFor('refused-401');
    assert.equal(line?.level, 30);
    assert.deepEqual(line?.res, { statusCode: 401 });
  });
});
