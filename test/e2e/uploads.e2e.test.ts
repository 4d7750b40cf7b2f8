// Files in the composer: attach button (with a progress bar), drag and drop, paste; images
// inline with their box reserved, files as download cards; upload errors keep the file.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { confirmed, inPage, makePng, messages, openRoom, type Person, suite, waitInPage } from './support.js';

const LIMIT = 1024 * 1024;
const declared = suite({ settings: { MAX_UPLOAD_BYTES: LIMIT } });

if (declared) {
  const { h, e2e } = declared;
  let alice: Person;
  let bob: Person;
  let general = 0;

  e2e(
    'an image sent with the attach button shows a progress bar, then appears inline for the other person',
    async () => {
      alice = await h.person('alice');
      bob = await h.person('bob');
      const { rooms } = await (await alice.page.request.get('/api/rooms')).json();
      general = rooms.find((r: { name: string }) => r.name === 'General').id;
      await openRoom(alice.page, general);
      await openRoom(bob.page, general);

      // A slow uplink, so the progress bar can be seen moving.
      const cdp = await alice.page.context().newCDPSession(alice.page);
      await cdp.send('Network.enable');
      await cdp.send('Network.emulateNetworkConditions', {
        offline: false,
        latency: 20,
        downloadThroughput: -1,
        uploadThroughput: 300 * 1024,
      });
      await alice.page.getByRole('textbox', { name: 'Message' }).fill('The view from the office');
      const chooser = alice.page.waitForEvent('filechooser');
      await alice.page.getByRole('button', { name: 'Attach file' }).click();
      // 640×400 PNG of noise: hard to compress, so it takes a moment on the slow uplink.
      const png = makePng(640, 400, randomBytes(640 * 400 * 3).subarray(0, 300 * 1024));
      await (await chooser).setFiles({ name: 'office view.png', mimeType: 'image/png', buffer: png });
      const bar = alice.page.getByRole('progressbar', { name: 'Uploading office view.png' });
      await assert.doesNotReject(bar.waitFor());
      await assert.doesNotReject(
        waitInPage(
          alice.page,
          "return Number(document.querySelector('[role=progressbar]')?.getAttribute('aria-valuenow')) > 0",
        ),
      );
      await cdp.send('Network.emulateNetworkConditions', {
        offline: false,
        latency: 0,
        downloadThroughput: -1,
        uploadThroughput: -1,
      });

      const sent = confirmed(bob.page, 'The view from the office');
      await assert.doesNotReject(sent.waitFor());
      const img = sent.getByRole('img', { name: 'office view.png' });
      await assert.doesNotReject(img.waitFor());
      // The box is reserved from the stored size, fitted into 360×280.
      assert.equal(await img.getAttribute('width'), '360');
      assert.equal(await img.getAttribute('height'), '225');
      await assert.doesNotReject(img.evaluate(inPage('return arg.decode()')));
      const natural = await img.evaluate(inPage('return [arg.naturalWidth, arg.naturalHeight]'));
      assert.deepEqual(natural, [640, 400]);
      await assert.doesNotReject(bar.waitFor({ state: 'detached' }));
      assert.equal(await alice.page.getByRole('textbox', { name: 'Message' }).inputValue(), '');
      assert.equal(await confirmed(alice.page, 'The view from the office').count(), 1);

      // A click opens the full image; Esc closes it.
      await img.click();
      const viewer = bob.page.getByRole('dialog', { name: 'office view.png' });
      await assert.doesNotReject(viewer.waitFor());
      assert.equal(await viewer.getByRole('img', { name: 'office view.png' }).isVisible(), true);
      await bob.page.keyboard.press('Escape');
      await assert.doesNotReject(viewer.waitFor({ state: 'hidden' }));
    },
  );

  e2e('a dropped file arrives as a download card; a pasted image is uploaded too', async () => {
    const notes = 'Meeting notes\n'.repeat(90);
    // Dragging files in: the drop zone shows while a file is over the conversation.
    await alice.page.evaluate(
      inPage(`
        const main = document.getElementById('main');
        const dt = new DataTransfer();
        dt.items.add(new File([arg], 'notes.txt', { type: 'text/plain' }));
        main.dispatchEvent(new DragEvent('dragenter', { dataTransfer: dt, bubbles: true, cancelable: true }));
        window.__dropZoneShown = !document.getElementById('drop-zone').hidden;
        main.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
      `),
      notes,
    );
    assert.equal(await alice.page.evaluate(inPage('return window.__dropZoneShown')), true);
    assert.equal(await alice.page.locator('#drop-zone').isHidden(), true);
    const card = messages(bob.page).getByRole('link', { name: /notes\.txt/ });
    await assert.doesNotReject(card.waitFor());
    assert.match((await card.textContent()) ?? '', /notes\.txt\s*1\.2 KB/);
    assert.equal(await card.getAttribute('download'), 'notes.txt');

    await alice.page.getByRole('textbox', { name: 'Message' }).focus();
    await alice.page.evaluate(
      inPage(`
        const dt = new DataTransfer();
        dt.items.add(new File([new Uint8Array(arg)], 'image.png', { type: 'image/png' }));
        document.getElementById('composer-input').dispatchEvent(
          new ClipboardEvent('paste', { clipboardData: dt, bubbles: true, cancelable: true }),
        );
      `),
      [...makePng(48, 32)],
    );
    const pasted = messages(bob.page).getByRole('img', { name: /^Pasted image .*\.png$/ });
    await assert.doesNotReject(pasted.waitFor());
    assert.equal(await pasted.getAttribute('width'), '48');
  });

  e2e('a file over the limit is refused before it is sent, keeping the text', async () => {
    let uploadRequests = 0;
    const countUploads = (request: { url(): string }) => {
      if (request.url().endsWith('/api/uploads')) uploadRequests++;
    };
    alice.page.on('request', countUploads);
    const box = alice.page.getByRole('textbox', { name: 'Message' });
    await box.fill('Here is the big one');
    const chooser = alice.page.waitForEvent('filechooser');
    await alice.page.getByRole('button', { name: 'Attach file' }).click();
    await (await chooser).setFiles({
      name: 'huge.bin',
      mimeType: 'application/octet-stream',
      buffer: randomBytes(LIMIT + 50 * 1024),
    });
    const alert = alice.page.getByRole('alert').filter({ hasText: 'huge.bin' });
    await assert.doesNotReject(alert.waitFor());
    assert.match((await alert.textContent()) ?? '', /too large/);
    assert.equal(await box.inputValue(), 'Here is the big one');
    assert.match((await alert.textContent()) ?? '', /files can be at most 1.0 MB/);
    assert.equal(await alert.count(), 1, 'the reason is shown once, on the card');
    assert.equal(await alice.page.getByText(/huge\.bin.*too large/).count(), 1);
    const uploads = alice.page.getByRole('list', { name: 'Uploads' });
    await assert.doesNotReject(uploads.getByRole('button', { name: 'Remove huge.bin' }).waitFor());
    const retry = uploads.getByRole('button', { name: 'Retry uploading huge.bin' });
    assert.equal(await retry.count(), 0, 'trying again cannot help');
    assert.equal(uploadRequests, 0, 'none of it was sent');
    alice.page.off('request', countUploads);
    await uploads.getByRole('button', { name: 'Remove huge.bin' }).click();
    await assert.doesNotReject(uploads.waitFor({ state: 'hidden' }));
    assert.equal(await alert.count(), 0);
  });
}
