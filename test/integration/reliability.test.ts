import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import type { WireMessage } from '../../src/shared/wire.js';
import { type ChatSocket, HttpClient } from '../helpers/client.js';
import { createMysqlDatabase, testDialect } from '../helpers/database.js';
import { mariadbControl, startMariadb, stopMariadb } from '../helpers/mariadb-control.js';
import { processStorage, spawnNatter } from '../helpers/process.js';
import { startServer, type TestServer } from '../helpers/server.js';
import { TcpProxy } from '../helpers/tcp-proxy.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('flood control', () => {
  let server: TestServer;
  before(async () => {
    server = await startServer({
      settings: { MESSAGES_PER_SECOND: 5, MESSAGE_BURST: 20, WS_FRAMES_PER_SECOND: 20, WS_FRAME_BURST: 60 },
    });
  });
  after(() => server.stop());

  test('a user past the message rate gets RATE_LIMITED with the clientId, across tabs; others are unaffected', async () => {
    const alice = new HttpClient(server.url);
    const bob = new HttpClient(server.url);
    await alice.register('alice', 'alice password');
    await bob.register('bob', 'bob password');
    const tabs = [await alice.socket(server.wsUrl), await alice.socket(server.wsUrl)];
    const ids = Array.from({ length: 30 }, (_, i) => `burst-${i}`);
    ids.forEach((clientId, i) => {
      tabs[i % 2]!.send({ type: 'send', clientId, roomId: 1, text: `burst ${i}` });
    });
    const outcomes = await Promise.all(
      ids.map((clientId, i) =>
        tabs[i % 2]!.outcome(clientId).then((f) => (f.type === 'ack' ? 'ack' : f.code)),
      ),
    );
    const acked = outcomes.filter((o) => o === 'ack').length;
    assert.ok(acked >= 20 && acked <= 22, `burst of 20 allowed, got ${acked}`);
    assert.equal(outcomes.filter((o) => o === 'RATE_LIMITED').length, 30 - acked);
    const b = await bob.socket(server.wsUrl);
    assert.equal((await b.say({ roomId: 1 }, 'bob is fine')).text, 'bob is fine');
    await sleep(1100);
    assert.equal((await tabs[0]!.say({ roomId: 1 }, 'alice again after a pause')).from.id, alice.user!.id);
    await Promise.all([...tabs, b].map((s) => s.close()));
  });

  test('a socket flooding frames is closed with 1008', async () => {
    const mallory = new HttpClient(server.url);
    await mallory.register('mallory', 'mallory password');
    const socket = await mallory.socket(server.wsUrl);
    for (let i = 0; i < 200; i++) socket.send({ type: 'ping' });
    assert.equal((await socket.closed).code, 1008);
    assert.equal((await new HttpClient(server.url).get('/healthz')).status, 200);
  });
});

describe('slow consumers', () => {
  let server: TestServer;
  before(async () => {
    server = await startServer({ settings: { WS_MAX_BUFFERED_BYTES: 256 * 1024 } });
  });
  after(() => server.stop());

  test('a reader that stops reading during a flood is dropped, the others keep up, and it catches up later', async () => {
    const alice = new HttpClient(server.url);
    const bob = new HttpClient(server.url);
    await alice.register('alice', 'alice password');
    await bob.register('bob', 'bob password');
    const sender = await alice.socket(server.wsUrl);
    const fast = await bob.socket(server.wsUrl);
    const stalled = await bob.socket(server.wsUrl);
    await fast.subscribe(1);
    await stalled.subscribe(1);
    const before = (await bob.get('/api/rooms/1/messages?limit=1')).body.messages[0]?.id ?? 0;
    (stalled.ws as unknown as { _socket: { pause(): void } })._socket.pause();

    const text = 'x'.repeat(3900);
    const heapBefore = process.memoryUsage().heapUsed;
    const sent: WireMessage[] = [];
    for (let i = 0; i < 12_000; i++) {
      sent.push(await sender.say({ roomId: 1 }, `${i} ${text}`));
      if ([...server.natter.hub.all()].length < 3) break;
    }
    assert.equal([...server.natter.hub.all()].length, 2, 'the stalled socket was dropped');
    const heapGrowth = process.memoryUsage().heapUsed - heapBefore;
    assert.ok(heapGrowth < 64 * 1024 * 1024, `heap grew ${Math.round(heapGrowth / 1e6)} MB`);
    await fast.next('message', (f) => f.message.id === sent.at(-1)!.id);

    // Back online: the dropped reader catches up from history.
    let after = before;
    const caughtUp: number[] = [];
    for (;;) {
      const page = await bob.get(`/api/rooms/1/messages?after=${after}&limit=100`);
      caughtUp.push(...page.body.messages.map((m: WireMessage) => m.id));
      if (!page.body.hasMore) break;
      after = caughtUp.at(-1)!;
    }
    assert.deepEqual(
      caughtUp,
      sent.map((m) => m.id),
    );
    await Promise.all([sender.close(), fast.close()]);
  });
});

describe('crash and restart', () => {
  test('after SIGKILL mid-stream and a restart, every acked message is stored exactly once and every client’s view equals the database', async () => {
    const storage = await processStorage();
    try {
      let natter = await spawnNatter(storage.env);
      const users = [new HttpClient(natter.url), new HttpClient(natter.url)];
      await users[0]!.register('alice', 'alice password');
      await users[1]!.register('bob', 'bob password');
      const clients = [users[0]!, users[1]!, users[0]!].map((user, n) => new StreamingClient(user, n));
      for (const c of clients) await c.connect(natter.wsUrl);
      const streams = clients.map((c) => c.stream(2000));
      while (clients.some((c) => c.acked.size < 20)) await sleep(5);
      natter.child.kill('SIGKILL');
      await Promise.all(streams);
      assert.equal((await natter.exited).signal, 'SIGKILL');

      natter = await spawnNatter(storage.env);
      for (const c of clients) {
        c.http.baseUrl = natter.url;
        await c.connect(natter.wsUrl);
        await c.resendPending();
        await c.catchUp();
      }
      const stored = await allMessages(clients[0]!.http);
      const byClientId = new Map<string, number>();
      for (const m of stored) byClientId.set(m.clientId!, (byClientId.get(m.clientId!) ?? 0) + 1);
      for (const c of clients) {
        for (const clientId of c.acked.keys())
          assert.equal(byClientId.get(clientId), 1, `${clientId} stored once`);
        assert.equal(c.pending.size, 0);
        assert.deepEqual(
          [...c.seen.keys()].sort((a, b) => a - b),
          stored.map((m) => m.id),
          'view equals database',
        );
      }
      for (const c of clients) await c.socket?.close();
      natter.child.kill('SIGTERM');
      await natter.exited;
    } finally {
      await storage.cleanup();
    }
  });
});

/** A client that keeps an outbox like the browser: pending until acked, resent after reconnecting. */
class StreamingClient {
  socket: ChatSocket | undefined;
  readonly acked = new Map<string, number>();
  readonly pending = new Map<string, string>();
  readonly seen = new Map<number, WireMessage>();
  /** The newest id this client had when it (re)connected: catch-up starts there. */
  private resumeFrom = 0;

  constructor(
    readonly http: HttpClient & { baseUrl: string },
    readonly n: number,
  ) {}

  async connect(wsUrl: string): Promise<void> {
    this.resumeFrom = Math.max(0, ...this.seen.keys());
    this.socket = await this.http.socket(wsUrl);
    this.socket.ws.on('message', (data) => {
      const frame = JSON.parse(data.toString());
      if (frame.type === 'message') this.seen.set(frame.message.id, frame.message);
    });
    await this.socket.subscribe(1);
  }

  async stream(max: number): Promise<void> {
    for (let i = 0; i < max; i++) {
      const clientId = `${this.n}-${i}-${randomUUID().slice(0, 8)}`;
      const text = `client ${this.n} message ${i}`;
      this.pending.set(clientId, text);
      try {
        await this.deliver(clientId, text, 3000);
      } catch {
        return; // the server died; what is pending stays pending
      }
    }
  }

  async resendPending(): Promise<void> {
    for (const [clientId, text] of this.pending) await this.deliver(clientId, text, 5000);
  }

  /**
   * Fetches, page by page, everything after the newest message this client had before
   * it reconnected (live messages since then may have overtaken older missed ones).
   */
  async catchUp(): Promise<void> {
    let after = this.resumeFrom;
    for (;;) {
      const page = await this.http.get(`/api/rooms/1/messages?after=${after}&limit=100`);
      const messages = page.body.messages as WireMessage[];
      for (const m of messages) this.seen.set(m.id, m);
      if (!page.body.hasMore) return;
      after = messages.at(-1)!.id;
    }
  }

  private async deliver(clientId: string, text: string, timeoutMs: number): Promise<void> {
    const message = await this.socket!.say({ roomId: 1 }, text, clientId, timeoutMs);
    this.pending.delete(clientId);
    this.acked.set(clientId, message.id);
    this.seen.set(message.id, message);
  }
}

async function allMessages(client: HttpClient): Promise<WireMessage[]> {
  const all: WireMessage[] = [];
  let after = 0;
  for (;;) {
    const page = await client.get(`/api/rooms/1/messages?after=${after}&limit=100`);
    all.push(...page.body.messages);
    if (!page.body.hasMore) return all;
    after = all.at(-1)!.id;
  }
}

describe('database outage', () => {
  const mysqlOnly =
    testDialect() === 'mysql' ? false : 'needs a database server to lose; runs in the MySQL pass';

  test('while MySQL is unreachable sends fail without a false ack, /healthz is 503, pages say so; it recovers by itself', {
    skip: mysqlOnly,
  }, async () => {
    const database = await createMysqlDatabase();
    const target = new URL(database.url);
    const proxy = new TcpProxy(target.hostname, Number(target.port || 3306));
    await proxy.start();
    const viaProxy = new URL(database.url);
    viaProxy.port = String(proxy.port);
    viaProxy.hostname = '127.0.0.1';
    const server = await startServer({ settings: { DATABASE_URL: viaProxy.toString() } });
    try {
      const alice = new HttpClient(server.url);
      await alice.register('alice', 'alice password');
      const socket = await alice.socket(server.wsUrl);
      await socket.subscribe(1);
      const before = await socket.say({ roomId: 1 }, 'before the outage');

      await proxy.cut();
      const clientId = randomUUID();
      socket.send({ type: 'send', clientId, roomId: 1, text: 'during the outage' });
      const failure = await socket.outcome(clientId, 15_000);
      assert.equal(failure.type, 'error', 'never an ack while the database is down');
      assert.equal((failure as { code: string }).code, 'UNAVAILABLE');
      assert.equal((await alice.get('/healthz')).status, 503);
      const logged = server.logs.records.find(
        (r) => (r.res as { statusCode?: number } | undefined)?.statusCode === 503,
      );
      assert.equal(logged?.msg, 'request errored', 'a 5xx answer is logged as a failure');
      assert.equal(logged?.level, 40);
      assert.equal((logged?.req as { url?: string } | undefined)?.url, '/healthz');
      const page = await alice.get('/rooms/1', { accept: 'text/html' });
      assert.equal(page.status, 503);
      assert.match(page.text, /database/i);

      await proxy.restore();
      let recovered: WireMessage | undefined;
      for (let i = 0; i < 40 && !recovered; i++) {
        recovered = await socket
          .say({ roomId: 1 }, 'after the outage', clientId, 1000)
          .catch(() => undefined);
        if (!recovered) await sleep(250);
      }
      assert.ok(recovered, 'sending works again without a restart');
      assert.ok(recovered.id > before.id);
      assert.equal((await alice.get('/healthz')).status, 200);
      const history = await alice.get('/api/rooms/1/messages');
      assert.equal(history.body.messages.filter((m: WireMessage) => m.clientId === clientId).length, 1);
      await socket.close();
    } finally {
      await server.stop({ allowErrors: false }).catch(async (err) => {
        await proxy.cut();
        throw err;
      });
      await proxy.cut();
      await database.drop();
    }
  });
});

describe('MariaDB stopped and started again', () => {
  const skip =
    testDialect() !== 'mysql'
      ? 'runs in the MySQL pass'
      : mariadbControl
        ? false
        : 'stops the local MariaDB; only .ci/run allows it (NATTER_TEST_CONTROL_MARIADB=1)';

  test('mid-stream: no false acks while it is down, every acked message stored once, recovery without restart', {
    skip,
  }, async () => {
    const database = await createMysqlDatabase();
    const server = await startServer({ settings: { DATABASE_URL: database.url } });
    try {
      const alice = new HttpClient(server.url);
      await alice.register('alice', 'alice password');
      const socket = await alice.socket(server.wsUrl);
      const acked = new Map<string, number>();
      const refused: string[] = [];
      let running = true;
      const stream = (async () => {
        for (let i = 0; running && i < 100_000; i++) {
          const clientId = `m-${i}`;
          socket.send({ type: 'send', clientId, roomId: 1, text: `message ${i}` });
          const reply = await socket.outcome(clientId, 20_000);
          if (reply.type === 'ack') acked.set(clientId, reply.message.id);
          else refused.push(reply.code);
          await sleep(reply.type === 'ack' ? 5 : 200);
        }
      })();
      while (acked.size < 20) await sleep(10);
      await stopMariadb();
      const beforeOutage = acked.size;
      while (refused.length < 3) await sleep(50);
      assert.equal((await alice.get('/healthz')).status, 503);
      await startMariadb();
      const resumed = acked.size;
      for (let i = 0; i < 200 && acked.size < resumed + 10; i++) await sleep(100);
      running = false;
      await stream;
      await socket.close();

      assert.ok(
        refused.every((code) => code === 'UNAVAILABLE'),
        `refusals: ${[...new Set(refused)]}`,
      );
      assert.ok(acked.size >= resumed + 10, 'sending works again without a restart');
      assert.ok(beforeOutage >= 20);
      const stored = await allMessages(alice);
      for (const [clientId, id] of acked) {
        const copies = stored.filter((m) => m.clientId === clientId);
        assert.equal(copies.length, 1, `${clientId} stored once`);
        assert.equal(copies[0]!.id, id);
      }
      assert.equal((await alice.get('/healthz')).status, 200);
    } finally {
      await server.stop({ allowErrors: true });
      await database.drop();
    }
  });
});
