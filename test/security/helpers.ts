import assert from 'node:assert/strict';
import { HttpClient } from '../helpers/client.js';
import type { TestServer } from '../helpers/server.js';

/** After every attack: the server still answers, its database too, and a user can still chat. */
export async function assertStillHealthy(server: TestServer): Promise<void> {
  const probe = new HttpClient(server.url);
  const health = await probe.get('/healthz');
  assert.equal(health.status, 200, 'healthz after the attack');
  const user = await probe.register();
  const socket = await probe.socket(server.wsUrl);
  const message = await socket.say({ roomId: 1 }, `still here ${user.username}`);
  assert.equal(message.from.id, user.id);
  await socket.close();
}
