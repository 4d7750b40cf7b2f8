// What every signed-in page shares: log out, and the live sidebar (rooms with online
// counts, people coming and going, unread badges).

import type { PublicUser, RoomSummary, ServerFrame } from '../../src/shared/wire.js';
import { api } from './api.js';
import { roomCard, roomItem, setPersonOnline, setUnread } from './render.js';

export function goToLogin(): void {
  location.assign('/login');
}

/** Wires every "Log out" button on the page. */
export function initLogout(): void {
  for (const button of document.querySelectorAll<HTMLButtonElement>('[data-action="logout"]')) {
    button.addEventListener('click', async () => {
      button.disabled = true;
      button.setAttribute('aria-busy', 'true');
      const result = await api('POST', '/api/logout');
      // 204, or 401 when the session was already gone: either way we are logged out.
      if (result.ok || result.status === 401) {
        goToLogin();
        return;
      }
      button.disabled = false;
      button.removeAttribute('aria-busy');
      window.alert(result.message);
    });
  }
}

/** Key of a conversation for unread counts: `r:<roomId>` or `d:<userId>`. */
export type ConversationKey = `r:${number}` | `d:${number}`;

/** Re-renders a list in place, keeping keyboard focus on the same link. */
function replaceKeepingFocus(list: HTMLElement, items: HTMLElement[], linkSelector: string): void {
  const focused = (document.activeElement as HTMLElement | null)?.closest<HTMLElement>(linkSelector);
  const roomId = focused && list.contains(focused) ? focused.dataset.roomId : undefined;
  list.replaceChildren(...items);
  if (roomId)
    list.querySelector<HTMLElement>(`${linkSelector}[data-room-id="${CSS.escape(roomId)}"]`)?.focus();
}

export class Shell {
  private readonly unread = new Map<string, number>();

  /** `current` is the conversation on screen: it never shows a badge. */
  constructor(
    private readonly me: PublicUser,
    private readonly current: ConversationKey | null = null,
  ) {
    for (const el of document.querySelectorAll<HTMLElement>('.badge[data-unread-for]')) {
      this.unread.set(el.dataset.unreadFor ?? '', Number(el.dataset.unread) || 0);
    }
    initLogout();
  }

  unreadOf(key: string): number {
    return key === this.current ? 0 : (this.unread.get(key) ?? 0);
  }

  /** Applies the frames that concern the whole app; the page handles the rest. */
  handle(frame: ServerFrame): void {
    switch (frame.type) {
      case 'lobby':
        this.applyRooms(frame.rooms);
        return;
      case 'people':
        for (const change of frame.changes) setPersonOnline(change.userId, change.online);
        return;
      case 'notify':
        if (frame.message.roomId !== null && frame.message.from.id !== this.me.id) {
          this.bump(`r:${frame.message.roomId}`);
        }
        return;
      case 'message': {
        const m = frame.message;
        if (m.roomId !== null || m.from.id === this.me.id) return;
        this.bump(`d:${m.from.id}`);
        return;
      }
      case 'read':
        this.set(frame.roomId !== null ? `r:${frame.roomId}` : `d:${frame.userId ?? 0}`, 0);
        return;
      default:
        return;
    }
  }

  /** The room list from a `lobby` frame: new rooms and online counts, in the sidebar and the lobby. */
  private applyRooms(rooms: RoomSummary[]): void {
    const list = document.getElementById('room-list');
    if (list) {
      const items = rooms.map((room) =>
        roomItem(room, this.current === `r:${room.id}`, this.unreadOf(`r:${room.id}`)),
      );
      replaceKeepingFocus(list, items, '.room-link');
    }
    const cards = document.getElementById('room-cards');
    if (cards) {
      const items = rooms.map((room) => roomCard(room, this.unreadOf(`r:${room.id}`)));
      replaceKeepingFocus(cards, items, '.room-card');
    }
  }

  private bump(key: ConversationKey): void {
    if (key === this.current) return;
    this.set(key, Math.min(100, (this.unread.get(key) ?? 0) + 1));
  }

  private set(key: string, count: number): void {
    if (key === this.current) count = 0;
    if ((this.unread.get(key) ?? 0) === count) return;
    this.unread.set(key, count);
    setUnread(key, count);
  }
}
