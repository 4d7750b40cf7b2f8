// Who is online: the member list of a room, and the dot by the other person in a private conversation.

import type { PublicUser } from '../../src/shared/wire.js';
import { memberItem } from './render.js';

/** The room's online members, alphabetically, with me marked. */
export function showRoomPresence(online: PublicUser[], me: PublicUser): void {
  const count = document.getElementById('online-count');
  if (count) count.textContent = String(online.length);
  document.getElementById('online-dot')?.classList.toggle('dot--on', online.length > 0);
  const list = document.getElementById('member-list');
  if (!list) return;
  const sorted = [...online].sort((a, b) => a.username.localeCompare(b.username));
  list.replaceChildren(...sorted.map((user) => memberItem(user, user.id === me.id)));
}

export function showPeerOnline(online: boolean): void {
  document.getElementById('peer-dot')?.classList.toggle('dot--on', online);
  const status = document.getElementById('peer-status');
  if (status) status.textContent = online ? 'online' : 'offline';
}
