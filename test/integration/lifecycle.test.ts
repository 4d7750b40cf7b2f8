import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { WireMessage } from '../../src/shared/wire.js';
import { HttpClient } from '../helpers/client.js';
import { processStorage, spawnNatter } from '../helpers/process.js';
import { startServer, type TestServer } from '../helpers/server.js';

const MAIN = path.resolve(import.meta.dirname, '../../src/main.js');

describe('start-up configuration', () => {
  for (const [name, value] of [
    ['PORT', 'eighty'],
    ['PORT', '70000'],
    ['LOG_LEVEL', 'loud'],
    ['DATABASE_URL', 'postgres://x@y/z'],
    ['SESSION_SECRET', 'short'],
    ['BCRYPT_ROUNDS', '40'],
  ]) {
    test(`an invalid ${name} (${value}) stops the boot with one line naming it`, () => {
      const result = spawnSync(process.execPath, [MAIN], {
        env: { PATH: process.env.PATH ?? '', DATA_DIR: '/nonexistent/never-created', [name!]: value },
        encoding: 'utf8',
        timeout: 10_000,
      });
      assert.equal(result.status, 1);
      const lines = result.stderr.trim().split('\n');
      assert.equal(lines.length, 1, result.stderr);
      assert.match(lines[0]!, new RegExp(`\\b${name}\\b`));
      assert.equal(result.stdout, '');
    });
  }
});

describe('shutdown on SIGTERM', () => {
  test('stops accepting, closes sockets with 1001, keeps every acked message, exits 0 within 10 s', async () => {
    const storage = await processStorage();
    try {
      const first = await spawnNatter(storage.env);
      const alice = new HttpClient(first.url);
      await alice.register('alice', 'alice password');
      const socket = await alice.socket(first.wsUrl);
      await socket.subscribe(1);
      const acked: WireMessage[] = [];
      let sending = true;
      const stream = (async () => {
        for (let i = 0; sending && i < 10_000; i++) {
          try {
            acked.push(await socket.say({ roomId: 1 }, `m${i}`, `c${i}`, 2000));
          } catch {
            return;
          }
        }
      })();
      while (acked.length < 20) await new Promise((r) => setTimeout(r, 5));
      const started = Date.now();
      first.child.kill('SIGTERM');
      const closed = await socket.closed;
      sending = false;
      await stream;
      const exit = await first.exited;
      assert.equal(closed.code, 1001);
      assert.deepEqual(exit, { code: 0, signal: null });
      assert.ok(Date.now() - started < 10_000);
      assert.match(first.output(), /"msg":"stopped"/);

      const second = await spawnNatter(storage.env);
      const again = new HttpClient(second.url);
      again.cookie = alice.cookie;
      const stored: number[] = [];
      let after = 0;
      for (;;) {
        const page = await again.get(`/api/rooms/1/messages?after=${after}&limit=100`);
        stored.push(...page.body.messages.map((m: WireMessage) => m.id));
        if (!page.body.hasMore) break;
        after = stored.at(-1)!;
      }
      for (const message of acked)
        assert.ok(stored.includes(message.id), `acked message ${message.id} was kept`);
      second.child.kill('SIGTERM');
      assert.equal((await second.exited).code, 0);
    } finally {
      await storage.cleanup();
    }
  });
});

describe('health', () => {
  let server: TestServer;
  before(async () => {
    server = await startServer();
  });
  after(() => server.stop({ allowErrors: true }));

  test('/healthz is 200 while the database answers and 503 when it does not', async () => {
    const client = new HttpClient(server.url);
    const ok = await client.get('/healthz');
    assert.deepEqual([ok.status, ok.body.status], [200, 'ok']);
    await server.natter.db.destroy();
    const down = await client.get('/healthz');
    assert.equal(down.status, 503);
    await server.natter.db.initialize();
  });
});
