// The message log of one conversation: ordered insertion without duplicates, pending
// messages, history paging that keeps the reader in place, and sticking to the bottom.

import type { Attachment, PublicUser, Receipts, WireMessage } from '../../src/shared/wire.js';
import {
  fixAll,
  fixAround,
  fixMessage,
  localizeTimes,
  markFailed,
  markPending,
  messageElement,
  nextMessage,
  pendingElement,
  receiptLine,
  unreadDivider,
} from './render.js';

/** How close to the bottom (px) still counts as "at the bottom". */
const BOTTOM_SLACK = 48;

export interface TimelineElements {
  log: HTMLElement;
  list: HTMLElement;
  pill: HTMLButtonElement;
}

interface Pending {
  text: string;
  attachment: Attachment | null;
  li: HTMLLIElement;
  state: 'pending' | 'failed';
}

export class Timeline {
  private readonly shown = new Map<number, HTMLLIElement>();
  private readonly pending = new Map<string, Pending>();
  private lowest = 0;
  private highest = 0;
  private stuck = true;

  constructor(
    private readonly els: TimelineElements,
    private readonly me: PublicUser,
    private readonly options: {
      lastReadId?: number;
      /** A pending message of mine is now shown as stored (acked, caught up or live). */
      onConfirmed?: (clientId: string) => void;
    } = {},
  ) {
    for (const li of els.list.querySelectorAll<HTMLLIElement>(':scope > .msg[data-id]')) {
      this.remember(Number(li.dataset.id), li);
    }
    // -1: not a member yet (nothing is "unread"); 0: a member who has read nothing.
    const lastReadId = options.lastReadId ?? -1;
    if (lastReadId >= 0) {
      const firstUnread = [...this.shown].find(
        ([id, li]) => id > lastReadId && li.dataset.userId !== String(me.id),
      )?.[1];
      if (firstUnread) firstUnread.before(unreadDivider());
    }
    localizeTimes(els.list);
    fixAll(els.list);
    this.scrollToBottom();

    els.log.addEventListener('scroll', () => {
      this.stuck = this.isAtBottom();
      if (this.stuck) this.els.pill.hidden = true;
    });
    els.pill.addEventListener('click', () => {
      this.scrollToBottom();
      els.log.focus({ preventScroll: true });
    });
    // The log changes size when the window or the on-screen keyboard does: stay at the bottom.
    new ResizeObserver(() => {
      if (this.stuck) this.scrollToBottom();
    }).observe(els.log);
  }

  /** Highest message id shown (0 when none). */
  get highestId(): number {
    return this.highest;
  }

  /** Lowest message id shown (0 when none). */
  get lowestId(): number {
    return this.lowest;
  }

  get isEmpty(): boolean {
    return this.shown.size === 0;
  }

  isAtBottom(): boolean {
    const { log } = this.els;
    return log.scrollHeight - log.scrollTop - log.clientHeight <= BOTTOM_SLACK;
  }

  scrollToBottom(): void {
    const { log } = this.els;
    log.scrollTop = log.scrollHeight;
    this.stuck = true;
    this.els.pill.hidden = true;
  }

  /**
   * Adds stored messages (live, acked or caught up) in id order, each at most once. A
   * message that confirms one of my pending ones takes its place.
   */
  add(messages: WireMessage[]): void {
    const stick = this.stuck || this.isAtBottom();
    let appendedOthers = false;
    let appendedMine = false;
    for (const m of messages) {
      const placed = this.insert(m);
      if (placed === 'none') continue;
      if (m.from.id === this.me.id) appendedMine = true;
      else appendedOthers = true;
    }
    if (!appendedOthers && !appendedMine) return;
    if (stick || appendedMine) this.scrollToBottom();
    else if (appendedOthers) this.els.pill.hidden = false;
  }

  /** Prepends an older page (oldest → newest), keeping what the reader sees exactly in place. */
  prepend(messages: WireMessage[], afterLayout?: () => void): void {
    const { log, list } = this.els;
    const fromBottom = log.scrollHeight - log.scrollTop;
    // The text the reader sees at the top: it stays put even if its header folds into a group.
    const anchor = this.firstVisibleText();
    const anchorTop = anchor?.getBoundingClientRect().top ?? 0;
    const oldFirst = list.querySelector<HTMLLIElement>(':scope > .msg');
    const fragment = document.createDocumentFragment();
    const added: HTMLLIElement[] = [];
    for (const m of messages) {
      if (this.shown.has(m.id) || (this.lowest !== 0 && m.id >= this.lowest)) continue;
      const li = messageElement(m);
      fragment.append(li);
      added.push(li);
    }
    list.prepend(fragment);
    for (const li of added) this.remember(Number(li.dataset.id), li);
    for (const li of added) fixMessage(li);
    if (oldFirst) fixMessage(oldFirst);
    afterLayout?.();
    if (anchor?.isConnected) log.scrollTop += anchor.getBoundingClientRect().top - anchorTop;
    else log.scrollTop = log.scrollHeight - fromBottom;
  }

  private firstVisibleText(): HTMLElement | null {
    const top = this.els.log.getBoundingClientRect().top;
    for (const li of this.els.list.querySelectorAll<HTMLElement>(':scope > .msg')) {
      if (li.getBoundingClientRect().bottom > top) return li.querySelector<HTMLElement>('.msg__text');
    }
    return null;
  }

  /** Moves the "New" divider to just above the given (shown) message. */
  markUnreadFrom(id: number): void {
    const li = this.shown.get(id);
    if (!li) return;
    const old = this.els.list.querySelector<HTMLElement>(':scope > .unread-divider');
    const oldNext = old ? nextMessage(old) : null;
    old?.remove();
    if (oldNext) fixMessage(oldNext);
    li.before(unreadDivider());
    fixMessage(li);
  }

  /** Puts "Sent", "Delivered" or "Read" under my newest message of a private conversation. */
  showReceipt(receipts: Receipts): void {
    this.els.list.querySelector(':scope > .receipt-line')?.remove();
    let el = this.els.list.lastElementChild as HTMLElement | null;
    while (el && !(el.dataset.id !== undefined && el.dataset.userId === String(this.me.id))) {
      el = el.previousElementSibling as HTMLElement | null;
    }
    if (!el) return;
    const id = Number(el.dataset.id);
    const text = id <= receipts.readUpTo ? 'Read' : id <= receipts.deliveredUpTo ? 'Delivered' : 'Sent';
    el.after(receiptLine(text));
  }

  /** Shows a message of mine right away, dimmed until the server acks it. */
  addPending(clientId: string, text: string, attachment: Attachment | null = null): void {
    const li = pendingElement(this.me, clientId, text, new Date().toISOString(), attachment);
    this.els.list.append(li);
    fixMessage(li);
    this.pending.set(clientId, { text, attachment, li, state: 'pending' });
    this.scrollToBottom();
  }

  /** What a pending (or failed) message carries, to send or re-send it. */
  pendingMessage(clientId: string): { text: string; attachment: Attachment | null } | undefined {
    const p = this.pending.get(clientId);
    return p ? { text: p.text, attachment: p.attachment } : undefined;
  }

  /** Client ids of messages still waiting for an ack, oldest first. */
  pendingIds(): string[] {
    return [...this.pending].filter(([, p]) => p.state === 'pending').map(([id]) => id);
  }

  hasPending(clientId: string): boolean {
    return this.pending.has(clientId);
  }

  /** True when a stored message of mine with this client id is already shown. */
  showsStored(clientId: string): boolean {
    return [...this.shown.values()].some(
      (li) => li.dataset.clientId === clientId && li.dataset.userId === String(this.me.id),
    );
  }

  markFailed(clientId: string, reason: string, onRetry: () => void): void {
    const p = this.pending.get(clientId);
    if (!p) return;
    p.state = 'failed';
    markFailed(p.li, reason, onRetry);
    const next = nextMessage(p.li);
    if (next) fixMessage(next);
  }

  markPending(clientId: string): void {
    const p = this.pending.get(clientId);
    if (!p) return;
    p.state = 'pending';
    markPending(p.li);
    const next = nextMessage(p.li);
    if (next) fixMessage(next);
  }

  private insert(m: WireMessage): 'none' | 'placed' {
    const mine = m.from.id === this.me.id && m.clientId !== null ? this.pending.get(m.clientId) : undefined;
    if (mine && m.clientId !== null) {
      this.pending.delete(m.clientId);
      const after = nextMessage(mine.li);
      // Its day divider goes with it (the next message gets one back if it needs it).
      const divider = mine.li.previousElementSibling;
      if (divider?.classList.contains('day-divider')) divider.remove();
      mine.li.remove();
      if (after) fixMessage(after);
      this.options.onConfirmed?.(m.clientId);
    }
    if (this.shown.has(m.id)) return mine ? 'placed' : 'none';
    // Older than the oldest shown (a resend answered with a copy stored long ago): it
    // belongs to history not loaded yet, where "Load more" will show it.
    if (m.id < this.lowest) return mine ? 'placed' : 'none';
    const li = messageElement(m);
    const before = this.confirmedBefore(m.id);
    if (before) before.after(li);
    else this.els.list.prepend(li);
    this.remember(m.id, li);
    fixAround(li);
    return 'placed';
  }

  /** The last shown message with an id lower than `id` (usually the newest one). */
  private confirmedBefore(id: number): HTMLLIElement | null {
    let el = this.els.list.lastElementChild;
    while (el) {
      const msgId = (el as HTMLElement).dataset.id;
      if (el.classList.contains('msg') && msgId !== undefined && Number(msgId) < id)
        return el as HTMLLIElement;
      el = el.previousElementSibling;
    }
    return null;
  }

  private remember(id: number, li: HTMLLIElement): void {
    this.shown.set(id, li);
    if (this.lowest === 0 || id < this.lowest) this.lowest = id;
    if (id > this.highest) this.highest = id;
  }
}
