import assert from 'node:assert/strict';
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { images } from '../fixtures/images.js';
import { HttpClient } from '../helpers/client.js';
import { startServer, type TestServer } from '../helpers/server.js';

describe('images, files and emoji', () => {
  let server: TestServer;
  let alice: HttpClient;
  let bob: HttpClient;
  let carol: HttpClient;

  before(async () => {
    server = await startServer({ settings: { MAX_UPLOAD_BYTES: 64 * 1024, UPLOAD_QUOTA_BYTES: 200 * 1024 } });
    alice = new HttpClient(server.url);
    bob = new HttpClient(server.url);
    carol = new HttpClient(server.url);
    await alice.register('alice', 'alice password');
    await bob.register('bob', 'bob password');
    await carol.register('carol', 'carol password');
  });
  after(() => server.stop());

  async function rawUpload(client: HttpClient, filenameParam: string) {
    const boundary = 'natterboundary';
    const body = Buffer.concat([
      Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; ${filenameParam}\r\n`),
      Buffer.from(`Content-Type: text/plain\r\n\r\nhello\r\n--${boundary}--\r\n`),
    ]);
    const res = await fetch(`${server.url}/api/uploads`, {
      method: 'POST',
      body,
      headers: { cookie: client.cookie!, 'content-type': `multipart/form-data; boundary=${boundary}` },
    });
    return { status: res.status, body: (await res.json()) as any };
  }

  async function postInRoom(client: HttpClient, attachmentId: string, text?: string) {
    const socket = await client.socket(server.wsUrl);
    socket.send({
      type: 'send',
      clientId: `c-${attachmentId}`,
      roomId: 1,
      attachmentId,
      ...(text ? { text } : {}),
    });
    const reply = await socket.outcome(`c-${attachmentId}`);
    await socket.close();
    return reply;
  }

  for (const [kind, bytes] of Object.entries(images)) {
    test(`a ${kind.toUpperCase()} image round-trips inline with its real type and safe headers`, async () => {
      const upload = await alice.upload('/api/uploads', bytes, `picture.${kind}`, `image/${kind}`);
      assert.equal(upload.status, 201);
      const { attachment } = upload.body;
      assert.deepEqual(
        { ...attachment, id: undefined, url: undefined },
        {
          id: undefined,
          url: undefined,
          name: `picture.${kind}`,
          size: bytes.length,
          mime: `image/${kind}`,
          image: true,
          width: 1,
          height: 1,
        },
      );
      const ack = await postInRoom(alice, attachment.id);
      assert.equal(ack.type, 'ack');
      assert.deepEqual((ack as { message: { attachment: unknown } }).message.attachment, attachment);
      const served = await fetch(server.url + attachment.url, { headers: { cookie: bob.cookie! } });
      assert.equal(served.status, 200);
      assert.equal(served.headers.get('content-type'), `image/${kind}`);
      assert.match(served.headers.get('content-disposition') ?? '', /^inline;/);
      assert.equal(served.headers.get('x-content-type-options'), 'nosniff');
      assert.match(served.headers.get('content-security-policy') ?? '', /sandbox/);
      assert.match(served.headers.get('cache-control') ?? '', /immutable/);
      assert.deepEqual(Buffer.from(await served.arrayBuffer()), bytes);
    });
  }

  test('an HTML file named x.png and sent as image/png is not served inline', async () => {
    const html = '<html><script>alert(document.cookie)</script></html>';
    const upload = await alice.upload('/api/uploads', html, 'x.png', 'image/png');
    assert.equal(upload.status, 201);
    assert.equal(upload.body.attachment.image, false);
    assert.notEqual(upload.body.attachment.mime, 'image/png');
    const served = await fetch(server.url + upload.body.attachment.url, {
      headers: { cookie: alice.cookie! },
    });
    assert.equal(served.headers.get('content-type'), 'application/octet-stream');
    assert.match(served.headers.get('content-disposition') ?? '', /^attachment;/);
    assert.match(served.headers.get('content-security-policy') ?? '', /default-src 'none'.*sandbox/);
  });

  test('an SVG with script is a download, never an image of this site', async () => {
    const svg = '<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>';
    const upload = await alice.upload('/api/uploads', svg, 'logo.svg', 'image/svg+xml');
    assert.equal(upload.body.attachment.image, false);
    const served = await fetch(server.url + upload.body.attachment.url, {
      headers: { cookie: alice.cookie! },
    });
    assert.equal(served.headers.get('content-type'), 'application/octet-stream');
    assert.match(served.headers.get('content-disposition') ?? '', /^attachment; filename="logo.svg"/);
  });

  test('a file over the size limit gets 413 and leaves nothing behind', async () => {
    const before = await readdir(path.join(server.natter.uploadDir, 'incoming'));
    const reply = await alice.upload('/api/uploads', Buffer.alloc(65 * 1024, 1), 'big.bin');
    assert.equal(reply.status, 413);
    assert.equal(reply.body.error.code, 'TOO_LARGE');
    assert.deepEqual(await readdir(path.join(server.natter.uploadDir, 'incoming')), before);
  });

  test('hostile names (../../x, NUL, slashes, bidi) are kept as data and files stay inside the upload directory', async () => {
    for (const name of ['../../x', '..\\..\\evil.txt', '/etc/passwd', 'rtl\u202etxt.exe']) {
      const reply = await carol.upload('/api/uploads', 'plain text', name);
      assert.equal(reply.status, 201, name);
      const stored = reply.body.attachment.name as string;
      for (const bad of ['/', '\\', '\u0000', '\u202e'])
        assert.ok(!stored.includes(bad), JSON.stringify(stored));
      assert.notEqual(stored, '..');
    }
    // A NUL can only arrive percent-encoded (RFC 5987); raw in a header, the part is malformed.
    const encodedNul = await rawUpload(carol, `filename*=UTF-8''..%2F..%2Fnul%00byte.txt`);
    assert.equal(encodedNul.status, 201);
    assert.equal(encodedNul.body.attachment.name, 'nulbyte.txt');
    const rawNul = await rawUpload(carol, 'filename="nul\u0000byte.txt"');
    assert.equal(rawNul.status, 400);
    const names = await readdir(server.natter.uploadDir);
    for (const name of names) assert.match(name, /^([0-9a-f]{32}|incoming)$/);
    const outside = await readdir(path.dirname(server.natter.uploadDir));
    assert.ok(!outside.includes('x') && !outside.includes('evil.txt'));
  });

  test('the download name is encoded safely in Content-Disposition', async () => {
    const reply = await alice.upload('/api/uploads', 'report', 'Rapport "final"; ünïcode.pdf');
    const served = await fetch(server.url + reply.body.attachment.url, {
      headers: { cookie: alice.cookie! },
    });
    const disposition = served.headers.get('content-disposition') ?? '';
    assert.match(disposition, /^attachment; filename="Rapport _final_; _n_code.pdf"; filename\*=UTF-8''/);
    assert.ok(disposition.includes(encodeURIComponent('Rapport "final"; ünïcode.pdf')));
  });

  test('a DM’s file is visible to the two people only; an unattached upload only to its owner', async () => {
    const upload = await alice.upload('/api/uploads', images.png, 'secret.png', 'image/png');
    const url = upload.body.attachment.url as string;
    const status = async (client: HttpClient) =>
      (await fetch(server.url + url, { headers: { cookie: client.cookie! } })).status;
    assert.deepEqual([await status(alice), await status(bob), await status(carol)], [200, 404, 404]);

    const socket = await alice.socket(server.wsUrl);
    socket.send({
      type: 'send',
      clientId: 'dm-file',
      toUserId: bob.user!.id,
      attachmentId: upload.body.attachment.id,
    });
    await socket.next('ack', (f) => f.clientId === 'dm-file');
    await socket.close();
    assert.deepEqual([await status(alice), await status(bob), await status(carol)], [200, 200, 404]);
    assert.equal(
      (await fetch(server.url + url, { redirect: 'manual' })).status,
      302,
      'no session: to the login page',
    );
    assert.equal(
      (await fetch(`${server.url}/uploads/doesnotexist`, { headers: { cookie: carol.cookie! } })).status,
      404,
    );
  });

  test('only the owner may attach an upload, and only to one message', async () => {
    const upload = await alice.upload('/api/uploads', images.gif, 'once.gif', 'image/gif');
    const stolen = await postInRoom(bob, upload.body.attachment.id);
    assert.deepEqual([stolen.type, (stolen as { code?: string }).code], ['error', 'ATTACHMENT_NOT_FOUND']);
    assert.equal((await postInRoom(alice, upload.body.attachment.id, 'first')).type, 'ack');
    const socket = await alice.socket(server.wsUrl);
    socket.send({ type: 'send', clientId: 'reuse', roomId: 1, attachmentId: upload.body.attachment.id });
    assert.equal((await socket.next('error', (f) => f.clientId === 'reuse')).code, 'ATTACHMENT_IN_USE');
    await socket.close();
  });

  test('uploads need multipart with a field named file; the quota is enforced with a clear error', async () => {
    const json = await alice.post('/api/uploads', { file: 'nope' });
    assert.equal(json.status, 415);
    const form = new FormData();
    form.append('other', new Blob(['x']), 'x.txt');
    const wrongField = await fetch(`${server.url}/api/uploads`, {
      method: 'POST',
      body: form,
      headers: { cookie: alice.cookie! },
    });
    assert.equal(wrongField.status, 400);
    const dave = new HttpClient(server.url);
    await dave.register('dave', 'dave password');
    const chunk = Buffer.alloc(60 * 1024, 7);
    const results = [];
    for (let i = 0; i < 4; i++)
      results.push((await dave.upload('/api/uploads', chunk, `part${i}.bin`)).status);
    assert.deepEqual(results, [201, 201, 201, 413]);
    const over = await dave.upload('/api/uploads', chunk, 'more.bin');
    assert.equal(over.body.error.code, 'QUOTA_EXCEEDED');
  });

  test('emoji-only messages and :shortcodes: round-trip', async () => {
    const socket = await alice.socket(server.wsUrl);
    const emoji = await socket.say({ roomId: 1 }, '🎉👩‍💻🏳️‍🌈');
    assert.equal(emoji.text, '🎉👩‍💻🏳️‍🌈');
    const coded = await socket.say({ roomId: 1 }, 'ship it :rocket: :+1: :not_a_code:');
    assert.equal(coded.text, 'ship it 🚀 👍 :not_a_code:');
    const page = await alice.get(`/api/rooms/1/messages?after=${emoji.id - 1}&limit=2`);
    assert.deepEqual(
      page.body.messages.map((m: { text: string }) => m.text),
      [emoji.text, coded.text],
    );
    await socket.close();
  });

  test('a user may choose a preset avatar or upload a square image, shown with their messages', async () => {
    const preset = await alice.request('PUT', '/api/me/avatar', { preset: 7 });
    assert.equal(preset.body.user.avatar, '/avatars/7.svg');
    const notSquare = await alice.upload('/api/me/avatar', 'not an image', 'a.txt');
    assert.equal(notSquare.status, 400);
    const uploaded = await alice.upload('/api/me/avatar', images.png, 'me.png', 'image/png');
    assert.equal(uploaded.status, 201);
    const avatar = uploaded.body.user.avatar as string;
    assert.match(avatar, /^\/uploads\/[\w-]+$/);
    assert.equal((await fetch(server.url + avatar, { headers: { cookie: carol.cookie! } })).status, 200);
    const socket = await alice.socket(server.wsUrl);
    assert.equal((await socket.say({ roomId: 1 }, 'new look')).from.avatar, avatar);
    await socket.close();
  });
});
