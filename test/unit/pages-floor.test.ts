import assert from 'node:assert/strict';
import { test } from 'node:test';
import { floorSession } from '../../bench/lib/natter-api.js';
import { startPagesFloor } from '../../bench/lib/servers.js';

// The benchmark's pages floor answers the pages it is given through Express with Natter's
// security headers and session middleware, and only to a signed-in session.

test('the pages floor serves its pages to a session, with the headers Natter sends', async () => {
  const html = '<!doctype html><title>Lobby</title><p>café</p>';
  const floor = await startPagesFloor({ '/': html, '/rooms/1': '<p>room</p>' });
  try {
    const anonymous = await fetch(`${floor.baseUrl}/`);
    assert.equal(anonymous.status, 401);

    const cookie = await floorSession(floor.baseUrl);
    assert.match(cookie, /^natter\.sid=s%3A/);
    const page = await fetch(`${floor.baseUrl}/`, { headers: { cookie } });
    assert.equal(page.status, 200);
    assert.equal(await page.text(), html);
    assert.match(page.headers.get('content-type')!, /^text\/html/);
    assert.match(page.headers.get('content-security-policy')!, /frame-ancestors 'none'/);
    assert.equal(page.headers.get('etag'), null);
    const room = await fetch(`${floor.baseUrl}/rooms/1`, { headers: { cookie } });
    assert.equal(await room.text(), '<p>room</p>');
    assert.equal((await fetch(`${floor.baseUrl}/rooms/2`, { headers: { cookie } })).status, 404);
  } finally {
    await floor.stop();
  }
});
