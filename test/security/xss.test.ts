import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { HttpClient, signedUp } from '../helpers/client.js';
import type { TestServer } from '../helpers/server.js';
import { startServer } from '../helpers/server.js';
import { assertStillHealthy } from './helpers.js';

const PAYLOAD = '<img src=x onerror=alert(1)><script>alert(2)</script>"\'&';

/** Every page a signed-in user can see, for a check that a payload renders only as text. */
function assertEscaped(html: string, where: string): void {
  assert.ok(!html.includes('<img src=x onerror'), `${where}: raw <img> tag`);
  assert.ok(!html.includes('<script>alert'), `${where}: raw <script>`);
}

describe('stored XSS', () => {
  let server: TestServer;
  before(async () => {
    server = await startServer();
  });
  after(() => server.stop());

  test('stored XSS in message text: verbatim in JSON, text in every page', async () => {
    const alice = await signedUp(server);
    const socket = await alice.socket(server.wsUrl);
    const sent = await socket.say({ roomId: 1 }, PAYLOAD);
    await socket.close();
    assert.equal(sent.text, PAYLOAD);
    const json = await alice.get(`/api/rooms/1/messages?after=${sent.id - 1}`);
    assert.equal(json.body.messages[0].text, PAYLOAD);
    const page = (await alice.get('/rooms/1')).text;
    assertEscaped(page, '/rooms/1');
    assert.ok(page.includes('&lt;img src=x onerror=alert(1)&gt;'));
    await assertStillHealthy(server);
  });

  test('stored XSS in a private message: text in the private chat page', async () => {
    const alice = await signedUp(server);
    const bob = await signedUp(server);
    const socket = await alice.socket(server.wsUrl);
    await socket.say({ toUserId: bob.user!.id }, PAYLOAD);
    await socket.close();
    assertEscaped((await bob.get(`/dm/${alice.user!.id}`)).text, '/dm');
    await assertStillHealthy(server);
  });

  test('XSS in a username is refused at sign-up', async () => {
    for (const username of ['<script>', '"><svg/onload=1>', "a'b", 'a&b']) {
      const reply = await new HttpClient(server.url).post('/api/register', {
        username,
        password: 'a long password',
      });
      assert.equal(reply.status, 400, username);
    }
    await assertStillHealthy(server);
  });

  test('stored XSS in a room name: verbatim in JSON, text in the lobby and the room', async () => {
    const alice = await signedUp(server);
    const name = PAYLOAD.slice(0, 64);
    const room = (await alice.post('/api/rooms', { name })).body.room;
    assert.equal(room.name, name);
    assert.equal(
      (await alice.get('/api/rooms')).body.rooms.find((r: { id: number }) => r.id === room.id).name,
      name,
    );
    assertEscaped((await alice.get('/')).text, 'lobby');
    assertEscaped((await alice.get(`/rooms/${room.id}`)).text, 'room');
    await assertStillHealthy(server);
  });

  test('stored XSS in a file name: verbatim in JSON, text in the page, safe in Content-Disposition', async () => {
    const alice = await signedUp(server);
    // No slash: the part after the last one is the name (browsers send no directories).
    const name = '<img src=x onerror=alert(1)>"\'&.txt';
    const upload = await alice.upload('/api/uploads', 'hello', name);
    assert.equal(upload.status, 201);
    assert.equal(upload.body.attachment.name, name);
    const socket = await alice.socket(server.wsUrl);
    socket.send({ type: 'send', clientId: 'xss-file', roomId: 1, attachmentId: upload.body.attachment.id });
    await socket.next('ack');
    await socket.close();
    assertEscaped((await alice.get('/rooms/1')).text, 'room with file');
    const served = await fetch(server.url + upload.body.attachment.url, {
      headers: { cookie: alice.cookie! },
    });
    const disposition = served.headers.get('content-disposition') ?? '';
    assert.match(disposition, /^attachment; filename="[^"]*"; filename\*=UTF-8''[\w%.!~*'()-]+$/);
    await assertStillHealthy(server);
  });
});
