import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { images } from '../fixtures/images.js';
import type { HttpClient } from '../helpers/client.js';
import { signedUp } from '../helpers/client.js';
import { startServer, type TestServer } from '../helpers/server.js';
import { assertStillHealthy } from './helpers.js';

describe('authorisation (IDOR)', () => {
  let server: TestServer;
  let alice: HttpClient;
  let bob: HttpClient;
  let mallory: HttpClient;
  let secretId: number;
  let fileUrl: string;

  before(async () => {
    server = await startServer();
    alice = await signedUp(server);
    bob = await signedUp(server);
    mallory = await signedUp(server);
    const upload = await alice.upload('/api/uploads', images.png, 'private.png', 'image/png');
    fileUrl = upload.body.attachment.url;
    const socket = await alice.socket(server.wsUrl);
    secretId = (await socket.say({ toUserId: bob.user!.id }, 'our secret')).id;
    socket.send({
      type: 'send',
      clientId: 'with-file',
      toUserId: bob.user!.id,
      attachmentId: upload.body.attachment.id,
    });
    await socket.next('ack');
    await socket.close();
  });
  after(() => server.stop());

  test('IDOR on private history: guessing user ids only ever shows your own conversations', async () => {
    for (const peer of [alice.user!.id, bob.user!.id, 999_999]) {
      const reply = await mallory.get(`/api/dm/${peer}/messages?limit=100`);
      assert.ok(reply.status === 200 || reply.status === 404);
      assert.ok(!JSON.stringify(reply.body).includes('our secret'));
    }
    await assertStillHealthy(server);
  });

  test('IDOR on room history: guessed ids never reveal private messages, absent rooms are 404', async () => {
    for (let roomId = 1; roomId <= 12; roomId++) {
      const reply = await mallory.get(`/api/rooms/${roomId}/messages?after=0&limit=100`);
      assert.ok(!JSON.stringify(reply.body).includes('our secret'), `room ${roomId}`);
    }
    const absent = await mallory.get('/api/rooms/123456/messages');
    assert.deepEqual([absent.status, absent.body.error.code], [404, 'ROOM_NOT_FOUND']);
    await assertStillHealthy(server);
  });

  test('IDOR on files: another person’s private file is 404, exactly like a file that does not exist', async () => {
    const stolen = await fetch(server.url + fileUrl, { headers: { cookie: mallory.cookie! } });
    const absent = await fetch(`${server.url}/uploads/AAAAAAAAAAAAAAAAAAAAAA`, {
      headers: { cookie: mallory.cookie! },
    });
    assert.equal(stolen.status, 404);
    assert.equal(absent.status, 404);
    assert.equal(await stolen.text(), await absent.text());
    assert.equal((await fetch(server.url + fileUrl, { headers: { cookie: bob.cookie! } })).status, 200);
    await assertStillHealthy(server);
  });

  test('IDOR on attachments: someone else’s upload cannot be put into your message', async () => {
    const upload = await bob.upload('/api/uploads', images.gif, 'bobs.gif', 'image/gif');
    const socket = await mallory.socket(server.wsUrl);
    socket.send({ type: 'send', clientId: 'steal', roomId: 1, attachmentId: upload.body.attachment.id });
    assert.equal((await socket.next('error')).code, 'ATTACHMENT_NOT_FOUND');
    await socket.close();
    await assertStillHealthy(server);
  });

  test('identity spoofing: fields naming another sender in a frame are ignored', async () => {
    const socket = await mallory.socket(server.wsUrl);
    socket.send({
      type: 'send',
      clientId: 'spoof',
      roomId: 1,
      text: 'who am I',
      fromUserId: alice.user!.id,
      from: alice.user,
      uid: alice.user!.id,
      username: alice.user!.username,
    });
    const ack = await socket.next('ack');
    assert.equal(ack.message.from.id, mallory.user!.id);
    await socket.close();
    await assertStillHealthy(server);
  });

  test('reading receipts of someone else’s conversation is impossible: a read frame only moves your own mark', async () => {
    const socket = await mallory.socket(server.wsUrl);
    socket.send({ type: 'read', toUserId: alice.user!.id, messageId: secretId });
    socket.send({ type: 'ping' });
    await socket.next('pong');
    const receipts = (await alice.get(`/api/dm/${bob.user!.id}/messages`)).body.receipts;
    assert.ok(receipts.readUpTo < secretId, 'bob has not read it, whatever mallory says');
    await socket.close();
    await assertStillHealthy(server);
  });
});
