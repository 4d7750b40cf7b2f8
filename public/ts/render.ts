// Builds the DOM of messages, rooms and people. Each builder mirrors an EJS partial
// (named on it) so live items look exactly like server-rendered ones.

import type { Attachment, PublicUser, RoomSummary, WireMessage } from '../../src/shared/wire.js';
import { h } from './dom.js';
import { dayKey, formatDay, formatFull, formatTime, splitLinks } from './format.js';

/** Messages from one sender closer together than this share one header. */
export const GROUP_WINDOW_MS = 5 * 60 * 1000;

function textNodes(text: string): (Node | string)[] {
  return splitLinks(text).map((s) =>
    'url' in s ? h('a', { href: s.url, target: '_blank', rel: 'noopener noreferrer' }, [s.url]) : s.text,
  );
}

function timeElement(iso: string): HTMLTimeElement {
  const date = new Date(iso);
  return h('time', { class: 'msg__time', datetime: iso, title: formatFull(date) }, [formatTime(date)]);
}

/** "12.3 KB": the same text as views/partials/message.ejs. */
export function formatSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1048576) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / 1048576).toFixed(1)} MB`;
}

/** The largest box an image preview takes (CSS px). */
export const PREVIEW_BOX = { width: 360, height: 280 };

/** The preview size of an image: its own, scaled down (never up) to fit the box; the same as message.ejs. */
export function fitImage(width?: number, height?: number): { width: number; height: number } {
  if (!width || !height) return { width: 320, height: 240 };
  const scale = Math.min(1, PREVIEW_BOX.width / width, PREVIEW_BOX.height / height);
  return {
    width: Math.max(1, Math.round(width * scale)),
    height: Math.max(1, Math.round(height * scale)),
  };
}

/** An image preview (its box reserved from the stored size) or a download card. */
function attachmentElement(file: Attachment | null): HTMLElement | null {
  if (!file) return null;
  if (file.image) {
    const box = fitImage(file.width, file.height);
    return h('a', { class: 'msg__image', href: file.url, target: '_blank', rel: 'noopener noreferrer' }, [
      h('img', { src: file.url, alt: file.name, width: box.width, height: box.height, loading: 'lazy' }),
    ]);
  }
  return h('a', { class: 'file-card', href: file.url, download: file.name }, [
    h('span', { class: 'file-card__name' }, [file.name]),
    h('span', { class: 'file-card__size' }, [formatSize(file.size)]),
  ]);
}

/** views/partials/message.ejs */
export function messageElement(m: WireMessage, cont = false): HTMLLIElement {
  return h(
    'li',
    {
      class: cont ? 'msg msg--cont' : 'msg',
      id: `m-${m.id}`,
      'data-id': m.id,
      'data-user-id': m.from.id,
      'data-ts': m.createdAt,
      'data-client-id': m.clientId,
    },
    [
      h('img', { class: 'avatar msg__avatar', src: m.from.avatar, alt: '', width: 36, height: 36 }),
      h('div', { class: 'msg__body' }, [
        h('div', { class: 'msg__meta' }, [
          h('span', { class: 'msg__name' }, [m.from.username]),
          ' ',
          timeElement(m.createdAt),
        ]),
        h('div', { class: 'msg__text' }, textNodes(m.text)),
        attachmentElement(m.attachment),
      ]),
    ],
  );
}

/** A message of mine the server has not acknowledged yet. */
export function pendingElement(
  me: PublicUser,
  clientId: string,
  text: string,
  createdAt: string,
  attachment: Attachment | null = null,
): HTMLLIElement {
  const li = messageElement(
    { id: 0, roomId: null, toUserId: null, from: me, text, attachment, clientId, createdAt },
    false,
  );
  li.removeAttribute('id');
  li.removeAttribute('data-id');
  li.classList.add('msg--pending');
  li.setAttribute('aria-busy', 'true');
  return li;
}

/** Puts a pending message into the failed state, with a reason and a Retry button. */
export function markFailed(li: HTMLElement, reason: string, onRetry: () => void): void {
  li.classList.remove('msg--pending');
  li.classList.add('msg--failed');
  li.removeAttribute('aria-busy');
  li.querySelector('.msg__status')?.remove();
  const retry = h('button', { type: 'button', class: 'btn btn--secondary' }, ['Retry']);
  retry.addEventListener('click', onRetry);
  li.querySelector('.msg__body')?.append(
    h('div', { class: 'msg__status' }, [h('span', {}, [`Not sent: ${reason}`]), retry]),
  );
}

export function markPending(li: HTMLElement): void {
  li.classList.remove('msg--failed');
  li.classList.add('msg--pending');
  li.setAttribute('aria-busy', 'true');
  li.querySelector('.msg__status')?.remove();
}

/** Fills in local times (server-rendered times are UTC until this runs). */
export function localizeTimes(root: ParentNode): void {
  for (const time of root.querySelectorAll<HTMLTimeElement>('time.msg__time')) {
    const date = new Date(time.dateTime);
    if (Number.isNaN(date.getTime())) continue;
    time.textContent = formatTime(date);
    time.title = formatFull(date);
  }
}

function isMessage(el: Element | null): el is HTMLLIElement {
  return !!el && el.classList.contains('msg');
}

function timestamp(li: HTMLElement): number {
  return Date.parse(li.dataset.ts ?? '');
}

export function previousMessage(li: Element): HTMLLIElement | null {
  let el = li.previousElementSibling;
  while (el && !isMessage(el)) el = el.previousElementSibling;
  return el as HTMLLIElement | null;
}

export function nextMessage(li: Element): HTMLLIElement | null {
  let el = li.nextElementSibling;
  while (el && !isMessage(el)) el = el.nextElementSibling;
  return el as HTMLLIElement | null;
}

function dayDivider(date: Date): HTMLLIElement {
  return h('li', { class: 'day-divider', 'data-day': dayKey(date) }, [formatDay(date)]);
}

/**
 * Makes one message agree with the one before it: a day divider when the local day
 * changes, and grouping (no repeated header) for the same sender within 5 minutes.
 */
export function fixMessage(li: HTMLLIElement): void {
  const prev = previousMessage(li);
  const date = new Date(timestamp(li));
  const sameDay = !!prev && dayKey(new Date(timestamp(prev))) === dayKey(date);
  // Remove day dividers between prev and li, then add one back if the day changed.
  let unreadDivider = false;
  let el = li.previousElementSibling;
  while (el && el !== prev) {
    const before = el.previousElementSibling;
    if (el.classList.contains('day-divider')) el.remove();
    else if (el.classList.contains('unread-divider')) unreadDivider = true;
    el = before;
  }
  // The day comes first, then the "New" line of that day.
  if (!sameDay) {
    const unread = li.previousElementSibling?.classList.contains('unread-divider')
      ? li.previousElementSibling
      : null;
    (unread ?? li).before(dayDivider(date));
  }
  const cont =
    sameDay &&
    !unreadDivider &&
    !!prev &&
    prev.dataset.userId === li.dataset.userId &&
    !prev.classList.contains('msg--failed') &&
    timestamp(li) - timestamp(prev) < GROUP_WINDOW_MS;
  li.classList.toggle('msg--cont', cont);
}

/** The "New messages" line above the first unread message. */
export function unreadDivider(): HTMLLIElement {
  return h('li', { class: 'unread-divider' }, [h('span', {}, ['New'])]);
}

/** The delivery state of my latest private message: "Sent", "Delivered" or "Read". */
export function receiptLine(text: string): HTMLLIElement {
  return h('li', { class: 'receipt-line' }, [text]);
}

/** Fixes a message and the one after it (after an insert, a removal or a replace). */
export function fixAround(li: HTMLLIElement): void {
  fixMessage(li);
  const next = nextMessage(li);
  if (next) fixMessage(next);
}

export function fixAll(list: HTMLElement): void {
  for (const li of list.querySelectorAll<HTMLLIElement>(':scope > .msg')) fixMessage(li);
}

/** views/partials/badge.ejs: an unread count ("99+" from 100, the server's cap). */
export function badge(key: string, count: number): HTMLSpanElement {
  return h('span', { class: 'badge', 'data-unread-for': key, 'data-unread': count, hidden: !(count > 0) }, [
    count >= 100 ? '99+' : String(count),
    h('span', { class: 'sr-only' }, [' unread']),
  ]);
}

/** Updates every badge of one conversation on the page, and the bold state of its links. */
export function setUnread(key: string, count: number): void {
  for (const old of document.querySelectorAll<HTMLElement>(`.badge[data-unread-for="${CSS.escape(key)}"]`)) {
    old.replaceWith(badge(key, count));
  }
  for (const link of document.querySelectorAll<HTMLElement>(unreadLinkSelector(key))) {
    link.classList.toggle('is-unread', count > 0);
  }
}

function unreadLinkSelector(key: string): string {
  const [kind, id] = key.split(':');
  return kind === 'r' ? `a[data-room-id="${id}"]` : `a.person[data-user-id="${id}"]`;
}

/** views/partials/room-item.ejs */
export function roomItem(room: RoomSummary, current: boolean, unread: number): HTMLLIElement {
  return h('li', { class: 'room-item' }, [
    h(
      'a',
      {
        class: unread > 0 ? 'room-link is-unread' : 'room-link',
        href: `/rooms/${room.id}`,
        'data-room-id': room.id,
        'aria-current': current && 'page',
      },
      [
        h('span', { class: 'room-link__hash', 'aria-hidden': 'true' }, ['#']),
        h('span', { class: 'room-link__name' }, [room.name]),
        badge(`r:${room.id}`, unread),
        h('span', { class: 'online', 'data-count': room.online, hidden: room.online === 0 }, [
          h('span', { class: 'dot dot--on' }),
          String(room.online),
          h('span', { class: 'sr-only' }, [' online']),
        ]),
      ],
    ),
  ]);
}

/** views/partials/room-card.ejs */
export function roomCard(room: RoomSummary, unread: number): HTMLLIElement {
  const live = room.online > 0;
  return h('li', {}, [
    h(
      'a',
      {
        class: unread > 0 ? 'room-card is-unread' : 'room-card',
        href: `/rooms/${room.id}`,
        'data-room-id': room.id,
      },
      [
        h('span', { class: 'room-card__top' }, [
          h('span', { class: 'room-card__name' }, [
            h('span', { class: 'room-card__hash', 'aria-hidden': 'true' }, ['#']),
            room.name,
          ]),
          badge(`r:${room.id}`, unread),
        ]),
        h('span', { class: live ? 'room-card__online is-live' : 'room-card__online' }, [
          h('span', { class: live ? 'dot dot--on' : 'dot' }),
          h('span', { 'data-count': room.online }, [`${room.online} online`]),
        ]),
      ],
    ),
  ]);
}

/** A row of the member list: a link to a private conversation (plain text for yourself). */
export function memberItem(person: PublicUser, isMe: boolean): HTMLLIElement {
  const content = [
    h('span', { class: 'avatar-wrap' }, [
      h('img', { class: 'avatar', src: person.avatar, alt: '', width: 28, height: 28 }),
      h('span', { class: 'dot dot--on' }),
    ]),
    h('span', { class: 'person__name' }, [isMe ? `${person.username} (you)` : person.username]),
  ];
  return h('li', { class: 'person-item' }, [
    isMe
      ? h('span', { class: 'person' }, content)
      : h('a', { class: 'person', href: `/dm/${person.id}`, 'data-user-id': person.id }, content),
  ]);
}

/** Updates every row of one person on the page (sidebar, lobby, member list) to online or offline. */
export function setPersonOnline(userId: number, online: boolean): void {
  for (const row of document.querySelectorAll<HTMLElement>(`.person[data-user-id="${userId}"]`)) {
    row.querySelector('.dot')?.classList.toggle('dot--on', online);
    const status = row.querySelector('.person__status');
    if (status) status.textContent = online ? ', online' : ', offline';
  }
}
