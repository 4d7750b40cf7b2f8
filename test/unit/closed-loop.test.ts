import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { runClosedLoop } from '../../bench/lib/closed-loop.js';

// The benchmark's HTTP load: closed (next request as soon as the answer is in) or paced
// (each request when it falls due, its latency counted from then, so a slow answer is
// also charged to the requests that had to wait behind it).

describe('bench HTTP load', () => {
  let server: http.Server;
  let port: number;
  let slowOnce = true;

  before(async () => {
    server = http.createServer((req, res) => {
      const answer = () => res.writeHead(200, { 'Content-Length': '2' }).end('ok');
      if (req.url === '/slow' && slowOnce) {
        slowOnce = false;
        setTimeout(answer, 100);
      } else answer();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  after(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const plan = { host: '127.0.0.1', connections: 1, durationMs: 500, maxRequests: 100_000 };

  test('closed: as many requests as the server answers', async () => {
    const report = await runClosedLoop({ ...plan, port }, () => ({ method: 'GET', path: '/', headers: {} }));
    assert.equal(report.errors, 0);
    assert.ok(report.requests > 200, `${report.requests} requests in 500 ms`);
    assert.equal(report.ok, report.requests);
  });

  test('paced: requests as they fall due, latency from the due time', async () => {
    slowOnce = true;
    const report = await runClosedLoop({ ...plan, port, ratePerSecond: 100 }, (n) => ({
      method: 'GET',
      path: n === 5 ? '/slow' : '/',
      headers: {},
    }));
    assert.equal(report.requests, 50, '100/s for 500 ms');
    assert.equal(report.ok, 50);
    // Request 5 takes 100 ms; the ~9 due meanwhile wait on the one connection.
    const late = report.latenciesMs.filter((ms) => ms >= 20);
    assert.ok(late.length >= 8, `late answers: ${late.map(Math.round)}`);
    assert.ok(Math.max(...report.latenciesMs) >= 95);
    assert.ok(report.elapsedMs >= 450, `${report.elapsedMs} ms`);
  });
});
