// What every signed-in page shares: the account menu and log out, the live sidebar (rooms
// with online counts, people coming and going, unread badges), the unread total in the
// page title, and notifications of messages for me in conversations I am not looking at.

import type {
  PublicUser,
  RoomSummary,
  ServerFrame,
  UnreadSummary,
  WireMessage,
} from '../../src/shared/wire.js';
import { initAccount } from './account.js';
import { api } from './api.js';
import { Notifier, snippet } from './notifier.js';
import { roomCard, roomItem, setPersonOnline, setUnread } from './render.js';
import { UnsentStore } from './unsent-store.js';

let leaving = false;
// A page brought back by the browser's back button starts afresh.
window.addEventListener('pageshow', (event) => {
  if (event.persisted) leaving = false;
});

/**
 * Off to the login page, once: a logout and its socket's 4001 close both ask for it.
 * The session is over, so the unsent messages kept in this browser are forgotten first.
 */
export function goToLogin(): void {
  if (leaving) return;
  leaving = true;
  UnsentStore.clearAll();
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

/** Characters a username can continue with (letters, marks, digits, `_`, `-`, and `.` inside). */
const NAME_GOES_ON = /^(?:[\p{L}\p{M}\p{N}_-]|\.[\p{L}\p{M}\p{N}_-])/u;
const NAME_BEFORE = /[\p{L}\p{M}\p{N}_]$/u;

/** True when the text mentions `@username` (case-insensitive, as a whole name). */
export function mentions(text: string, username: string): boolean {
  const needle = `@${username.normalize('NFKC').toLowerCase()}`;
  const haystack = text.normalize('NFKC').toLowerCase();
  for (let at = haystack.indexOf(needle); at >= 0; at = haystack.indexOf(needle, at + 1)) {
    if (NAME_BEFORE.test(haystack.slice(0, at))) continue;
    if (NAME_GOES_ON.test(haystack.slice(at + needle.length))) continue;
    return true;
  }
  return false;
}

export class Shell {
  private readonly unread = new Map<string, number>();
  private readonly baseTitle = document.title;
  private unseenHere = 0;
  readonly notifier: Notifier;

  /** `current` is the conversation on screen: it never shows a badge. */
  constructor(
    private readonly me: PublicUser,
    private readonly current: ConversationKey | null = null,
  ) {
    for (const el of document.querySelectorAll<HTMLElement>('.badge[data-unread-for]')) {
      this.unread.set(el.dataset.unreadFor ?? '', Number(el.dataset.unread) || 0);
    }
    const region =
      document.getElementById('toasts') ?? document.body.appendChild(document.createElement('div'));
    this.notifier = new Notifier(region);
    initLogout();
    initAccount(me, this.notifier);
    this.updateTitle();
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
      case 'notify': {
        const m = frame.message;
        if (m.roomId === null || m.from.id === this.me.id) return;
        this.bump(`r:${m.roomId}`);
        if (mentions(m.text, this.me.username)) this.alert(m, `r:${m.roomId}`);
        return;
      }
      case 'message': {
        const m = frame.message;
        if (m.roomId !== null || m.from.id === this.me.id) return;
        this.bump(`d:${m.from.id}`);
        this.alert(m, `d:${m.from.id}`);
        return;
      }
      case 'read': {
        const key: ConversationKey = frame.roomId !== null ? `r:${frame.roomId}` : `d:${frame.userId ?? 0}`;
        this.set(key, 0);
        this.notifier.read(key, frame.lastReadId);
        return;
      }
      default:
        return;
    }
  }

  /**
   * A live message of the conversation on screen: nothing to show while the tab is visible;
   * while it is hidden, a desktop notification for a private message or a mention of me.
   */
  seen(m: WireMessage): void {
    if (m.from.id === this.me.id || !this.current || document.visibilityState !== 'hidden') return;
    if (m.roomId === null || mentions(m.text, this.me.username)) this.alert(m, this.current);
  }

  /** Messages that arrived in the conversation on screen while the tab was hidden (in the title). */
  setUnseenHere(count: number): void {
    this.unseenHere = count;
    this.updateTitle();
  }

  /** After a reconnect: frames were missed, so the badges are fetched afresh. */
  async resync(): Promise<void> {
    const result = await api<UnreadSummary>('GET', '/api/unread');
    if (!result.ok) return;
    const counts = new Map<string, number>();
    for (const r of result.data.rooms) counts.set(`r:${r.roomId}`, r.unread);
    for (const d of result.data.dms) counts.set(`d:${d.userId}`, d.unread);
    for (const key of new Set([...this.unread.keys(), ...counts.keys()])) this.set(key, counts.get(key) ?? 0);
  }

  private alert(m: WireMessage, key: ConversationKey): void {
    const roomName = m.roomId !== null ? this.roomName(m.roomId) : '';
    this.notifier.alert(
      {
        href: m.roomId !== null ? `/rooms/${m.roomId}` : `/dm/${m.from.id}`,
        title: m.roomId !== null ? `${m.from.username} in #${roomName}` : m.from.username,
        body: snippet(m),
        icon: m.from.avatar,
        tag: `natter-message-${m.id}`,
        conversation: key,
        messageId: m.id,
      },
      { toast: key !== this.current },
    );
  }

  private roomName(roomId: number): string {
    const el = document.querySelector(`a[data-room-id="${roomId}"] .room-link__name`);
    return el?.textContent?.trim() || `room ${roomId}`;
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
    this.updateTitle();
  }

  /** "(3) General · Natter": every badge on the page plus what I have not seen here. */
  private updateTitle(): void {
    let total = this.unseenHere;
    for (const [key, count] of this.unread) if (key !== this.current) total += count;
    const title = total > 0 ? `(${total > 99 ? '99+' : total}) ${this.baseTitle}` : this.baseTitle;
    if (document.title !== title) document.title = title;
  }
}
