// A conversation page (a room or a private conversation): live messages over the
// socket, the composer (text, files, emoji), history, read marks, typing, and delivery
// receipts. Nothing typed is lost: messages wait as pending until the server acks them,
// and are re-sent with the same client id after a reconnect.

import type {
  Attachment,
  ClientFrame,
  HistoryPage,
  PublicUser,
  Receipts,
  SendTarget,
  ServerFrame,
  WireMessage,
} from '../../src/shared/wire.js';
import { api } from './api.js';
import { Attacher } from './attach.js';
import { Connection, type ConnectionState } from './connection.js';
import { bootData, byId } from './dom.js';
import { EmojiPicker, ShortcodeSuggest } from './emoji-picker.js';
import { codePoints } from './format.js';
import { initLightbox } from './lightbox.js';
import { memberItem } from './render.js';
import { type ConversationKey, goToLogin, Shell } from './shell.js';
import { StatusBanner } from './status-banner.js';
import { Timeline } from './timeline.js';

interface Boot {
  me: PublicUser;
  target: SendTarget;
  hasMore: boolean;
  /** How far I had read when the page was made; -1 when I am not a member of the room yet. */
  lastReadId: number;
  peer?: PublicUser & { online: boolean };
  receipts?: Receipts | null;
}

const MAX_LENGTH = 4000;
const WARN_AT = 3500;
/** No ack this long after a send: check that the socket still answers (a dead one is replaced). */
const ACK_PROBE_MS = 8_000;
/** Still no ack although the socket answers: the message is marked failed, with "Retry". */
const ACK_FAIL_MS = 25_000;
/** Send errors worth retrying by themselves, with the same client id. */
const RETRYABLE = new Set(['RATE_LIMITED', 'UNAVAILABLE']);
const CATCH_UP_PAGE = 100;
const HISTORY_PAGE = 50;
const TYPING_EVERY_MS = 3000;
const TYPING_SHOWN_MS = 6000;

/** A client-made id for a message; randomUUID needs a secure context, so fall back on getRandomValues. */
function newClientId(): string {
  if (typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export class ConversationPage {
  private readonly boot = bootData<Boot>();
  private readonly me = this.boot.me;
  private readonly target = this.boot.target;
  private readonly roomId = 'roomId' in this.target ? this.target.roomId : null;
  private readonly peerId = 'toUserId' in this.target ? this.target.toUserId : null;
  private readonly key: ConversationKey = this.roomId !== null ? `r:${this.roomId}` : `d:${this.peerId ?? 0}`;
  private readonly historyUrl =
    this.roomId !== null ? `/api/rooms/${this.roomId}/messages` : `/api/dm/${this.peerId}/messages`;
  private readonly shell = new Shell(this.me, this.key);
  private readonly timeline: Timeline;
  private readonly connection: Connection;
  private readonly ackTimers = new Map<string, number>();
  /** After RATE_LIMITED or UNAVAILABLE the whole outbox waits, then goes out again in order. */
  private pausedUntil = 0;
  private pauseRound = 0;
  private flushTimer: number | undefined;
  /** Client ids already sent over the current socket (a resend after reconnect skips them). */
  private readonly sentOnSocket = new Set<string>();
  private readonly log = byId('log');
  private readonly loadMore = byId<HTMLButtonElement>('load-more');
  private readonly startNote = byId('log-start');
  private readonly input = byId<HTMLTextAreaElement>('composer-input');
  private readonly composerError = byId('composer-error');
  private readonly banner = new StatusBanner(byId('conn-banner'));
  private readonly typingLine = byId('typing');
  private readonly typers = new Map<number, { user: PublicUser; until: number }>();
  private typingTimer: number | undefined;
  private lastTypingSent = 0;
  private catchingUp = false;
  /** Every message up to this id is shown (history is contiguous up to here): catch-up starts after it. */
  private syncedUpTo = 0;
  private buffered: WireMessage[] = [];
  private syncRun = 0;
  private loadingHistory = false;
  private hasMore: boolean;
  private readSent: number;
  /** A "New" divider was placed while the tab was hidden and has not been read past yet. */
  private dividerActive = false;
  private receipts: Receipts | null;
  private unseen = 0;

  constructor() {
    this.hasMore = this.boot.hasMore;
    this.readSent = this.boot.lastReadId;
    this.receipts = this.boot.receipts ?? null;
    this.timeline = new Timeline(
      { log: this.log, list: byId('log-list'), pill: byId<HTMLButtonElement>('new-pill') },
      this.me,
      { lastReadId: this.boot.lastReadId },
    );
    this.syncedUpTo = this.timeline.highestId;
    this.connection = new Connection({
      onOpen: (reconnected) => void this.onOpen(reconnected),
      onFrame: (frame) => this.onFrame(frame),
      onState: (state) => this.onState(state),
      onLoggedOut: goToLogin,
    });
  }

  start(): void {
    // The autocomplete first: while it is open, Enter picks a shortcode instead of sending.
    new ShortcodeSuggest(this.input, byId('shortcode-suggest'));
    this.initComposer();
    new EmojiPicker(byId<HTMLButtonElement>('emoji-button'), byId('emoji-picker'), this.input);
    new Attacher(
      {
        button: byId<HTMLButtonElement>('attach-button'),
        input: byId<HTMLInputElement>('attach-input'),
        list: byId('uploads'),
        dropTarget: byId('main'),
        dropZone: byId('drop-zone'),
        textarea: this.input,
        errorBox: this.composerError,
      },
      (attachment) => this.sendAttachment(attachment),
      goToLogin,
    );
    initLightbox(byId('log-list'));
    this.loadMore.addEventListener('click', () => void this.loadOlder());
    this.showReceipt();
    document.addEventListener('visibilitychange', () => {
      if (document.visibilityState !== 'visible') return;
      this.setUnseen(0);
      this.markRead();
    });
    window.addEventListener('focus', () => this.markRead());
    this.log.addEventListener('scroll', () => this.markRead(), { passive: true });
    this.connection.start();
  }

  // ---------- socket ----------

  /** Subscribe, fetch what was missed, then re-send what is still pending (same client ids). */
  private async onOpen(reconnected: boolean): Promise<void> {
    this.sentOnSocket.clear();
    if (this.roomId !== null) this.connection.send({ type: 'subscribe', roomId: this.roomId });
    this.connection.send({ type: 'subscribeLobby' });
    if (reconnected) void this.shell.resync();
    await this.catchUp();
    if (!this.connection.isOpen) return;
    for (const clientId of this.timeline.pendingIds()) {
      if (!this.sentOnSocket.has(clientId)) this.transmit(clientId);
    }
    this.markRead();
  }

  private onState(state: ConnectionState): void {
    this.banner.update(state);
    if (state !== 'open') {
      for (const timer of this.ackTimers.values()) window.clearTimeout(timer);
      this.ackTimers.clear();
    }
  }

  /** True for a message of this conversation. */
  private belongs(m: WireMessage): boolean {
    if (this.roomId !== null) return m.roomId === this.roomId;
    return (
      m.roomId === null &&
      ((m.from.id === this.peerId && m.toUserId === this.me.id) ||
        (m.from.id === this.me.id && m.toUserId === this.peerId))
    );
  }

  private onFrame(frame: ServerFrame): void {
    if (frame.type === 'message' && this.belongs(frame.message)) {
      this.shell.seen(frame.message);
      if (this.catchingUp) this.buffered.push(frame.message);
      else this.showLive([frame.message]);
      return;
    }
    this.shell.handle(frame);
    switch (frame.type) {
      case 'ack':
        if (!this.belongs(frame.message)) return;
        this.clearAckTimer(frame.clientId);
        this.pauseRound = 0;
        // (An ack does not move `syncedUpTo`: a message just below it might still be on its way.)
        this.timeline.add([frame.message]);
        this.showReceipt();
        // Writing in a conversation means having read it up to there.
        this.markRead();
        return;
      case 'presence':
        if (frame.roomId === this.roomId) this.showPresence(frame.online);
        return;
      case 'people':
        for (const change of frame.changes)
          if (change.userId === this.peerId) this.showPeerOnline(change.online);
        return;
      case 'receipt':
        if (frame.userId === this.peerId) this.updateReceipts(frame);
        return;
      case 'typing':
        if (
          frame.user.id !== this.me.id &&
          (this.roomId !== null
            ? frame.roomId === this.roomId
            : frame.roomId === null && frame.user.id === this.peerId)
        ) {
          this.typers.set(frame.user.id, { user: frame.user, until: Date.now() + TYPING_SHOWN_MS });
          this.showTyping();
        }
        return;
      case 'error':
        if (frame.clientId && this.timeline.hasPending(frame.clientId)) {
          this.clearAckTimer(frame.clientId);
          const clientId = frame.clientId;
          if (RETRYABLE.has(frame.code)) this.pauseOutbox();
          else this.timeline.markFailed(clientId, frame.message, () => this.retry(clientId));
        } else {
          this.composerError.textContent = frame.message;
        }
        return;
      default:
        return;
    }
  }

  private showNew(messages: WireMessage[]): void {
    if (messages.length === 0) return;
    const hidden = document.visibilityState === 'hidden';
    const fromOthers = messages.filter((m) => m.from.id !== this.me.id);
    this.timeline.add(messages);
    // Away from the tab: a "New" divider marks where the unseen messages start.
    const firstUnseen = fromOthers.find((m) => m.id > this.readSent);
    if (hidden && firstUnseen && !this.dividerActive) {
      this.timeline.markUnreadFrom(firstUnseen.id);
      this.dividerActive = true;
    }
    for (const m of fromOthers) this.typers.delete(m.from.id);
    this.showTyping();
    this.showReceipt();
    if (hidden) this.setUnseen(this.unseen + fromOthers.length);
    this.markRead();
  }

  /** Live messages (not history): they also move the point up to which history is complete. */
  private showLive(messages: WireMessage[]): void {
    for (const m of messages) this.syncedUpTo = Math.max(this.syncedUpTo, m.id);
    this.showNew(messages);
  }

  private setUnseen(n: number): void {
    this.unseen = n;
    this.shell.setUnseenHere(n);
  }

  /** Tells the server (and so our other tabs) how far we have read, when the newest message is in view. */
  private markRead(): void {
    if (document.visibilityState !== 'visible' || !this.connection.isOpen) return;
    const newest = this.timeline.highestId;
    if (newest <= 0 || newest <= this.readSent || !this.timeline.isAtBottom()) return;
    if (!this.connection.send({ type: 'read', messageId: newest, ...this.target })) return;
    this.readSent = newest;
    this.dividerActive = false;
  }

  /**
   * Fetches what was missed while the socket was down (or before it first opened), page
   * by page, holding live messages back until the gap is filled.
   */
  private async catchUp(): Promise<void> {
    const run = ++this.syncRun;
    this.catchingUp = true;
    this.buffered = [];
    let complete = false;
    try {
      if (this.timeline.isEmpty) {
        const page = await this.fetchPage(`limit=${HISTORY_PAGE}`, run);
        if (!page) return;
        this.showNew(page.messages);
        this.syncedUpTo = Math.max(this.syncedUpTo, page.messages.at(-1)?.id ?? 0);
        if (this.timeline.isEmpty) {
          complete = true;
          return;
        }
        this.setHasMore(page.hasMore);
      }
      // Page by page from the last message known to be contiguous, while the server has more.
      for (;;) {
        const page = await this.fetchPage(`after=${this.syncedUpTo}&limit=${CATCH_UP_PAGE}`, run);
        if (!page) return;
        this.showNew(page.messages);
        const last = page.messages.at(-1);
        if (last) this.syncedUpTo = Math.max(this.syncedUpTo, last.id);
        if (!page.hasMore || !last) break;
      }
      complete = true;
    } finally {
      if (run === this.syncRun) {
        this.catchingUp = false;
        const held = this.buffered;
        this.buffered = [];
        // Held live messages continue the history only if it was fetched to the end.
        if (complete) this.showLive(held);
        else this.showNew(held);
      }
    }
  }

  /** One page of history; null when superseded by a newer sync or after repeated failure. */
  private async fetchPage(query: string, run: number): Promise<HistoryPage | null> {
    for (let attempt = 0; attempt < 3; attempt++) {
      if (run !== this.syncRun) return null;
      const result = await api<HistoryPage>('GET', `${this.historyUrl}?${query}`);
      if (result.ok) {
        if (run !== this.syncRun) return null;
        if (result.data.receipts) this.updateReceipts(result.data.receipts);
        return result.data;
      }
      if (result.status === 401) {
        goToLogin();
        return null;
      }
      if (result.status >= 400 && result.status < 500) return null;
      await sleep(500 * 2 ** attempt);
    }
    return null;
  }

  // ---------- sending ----------

  private initComposer(): void {
    const form = byId<HTMLFormElement>('composer');
    const count = byId('composer-count');
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      this.submit();
    });
    this.input.addEventListener('keydown', (event) => {
      if (event.defaultPrevented) return;
      if (event.key !== 'Enter' || event.shiftKey || event.isComposing || event.keyCode === 229) return;
      event.preventDefault();
      this.submit();
    });
    const autosize = !CSS.supports('field-sizing', 'content');
    this.input.addEventListener('input', () => {
      const n = codePoints(this.input.value);
      count.classList.toggle('is-near', n >= WARN_AT && n <= MAX_LENGTH);
      count.classList.toggle('is-over', n > MAX_LENGTH);
      if (n > MAX_LENGTH) count.textContent = `${n - MAX_LENGTH} characters over the ${MAX_LENGTH} limit`;
      else if (n >= WARN_AT) count.textContent = `${MAX_LENGTH - n} characters left`;
      else count.textContent = '';
      if (this.composerError.textContent !== '' && n <= MAX_LENGTH) this.composerError.textContent = '';
      if (autosize) {
        this.input.style.height = 'auto';
        this.input.style.height = `${Math.min(this.input.scrollHeight, 200)}px`;
      }
      this.sendTyping();
    });
  }

  private sendTyping(): void {
    if (this.input.value.trim() === '') return;
    const now = Date.now();
    if (now - this.lastTypingSent < TYPING_EVERY_MS) return;
    if (this.connection.send({ type: 'typing', ...this.target })) this.lastTypingSent = now;
  }

  private submit(): void {
    const text = this.input.value.trim();
    if (text === '') return;
    if (codePoints(text) > MAX_LENGTH) {
      this.composerError.textContent = `A message can be at most ${MAX_LENGTH} characters.`;
      return;
    }
    this.composerError.textContent = '';
    this.input.value = '';
    this.input.dispatchEvent(new Event('input'));
    this.lastTypingSent = 0;
    this.enqueue(text, null);
  }

  /** An upload is stored: send it, with what is typed in the composer (if it fits). */
  private sendAttachment(attachment: Attachment): void {
    let text = this.input.value.trim();
    if (codePoints(text) > MAX_LENGTH) text = '';
    else if (text !== '') {
      this.input.value = '';
      this.input.dispatchEvent(new Event('input'));
      this.lastTypingSent = 0;
    }
    this.enqueue(text, attachment);
  }

  /** Shows a message as pending at once and sends it when the socket allows. */
  private enqueue(text: string, attachment: Attachment | null): void {
    const clientId = newClientId();
    this.timeline.addPending(clientId, text, attachment);
    this.transmit(clientId);
  }

  /** Sends (or re-sends, with the same client id) a pending message; queued while the socket is down. */
  private transmit(clientId: string): void {
    const pending = this.timeline.pendingMessage(clientId);
    if (!pending || Date.now() < this.pausedUntil) return;
    const frame: ClientFrame = {
      type: 'send',
      clientId,
      ...this.target,
      ...(pending.text !== '' ? { text: pending.text } : {}),
      ...(pending.attachment ? { attachmentId: pending.attachment.id } : {}),
    };
    if (!this.connection.send(frame)) return;
    this.sentOnSocket.add(clientId);
    this.clearAckTimer(clientId);
    // A late ack first makes us check the socket (a dead one is replaced and the message re-sent);
    // only a socket that answers but never acks gets the message marked failed.
    this.ackTimers.set(
      clientId,
      window.setTimeout(() => {
        this.connection.probe();
        this.ackTimers.set(
          clientId,
          window.setTimeout(() => {
            this.ackTimers.delete(clientId);
            this.timeline.markFailed(clientId, 'no reply from the server.', () => this.retry(clientId));
          }, ACK_FAIL_MS - ACK_PROBE_MS),
        );
      }, ACK_PROBE_MS),
    );
  }

  private retry(clientId: string): void {
    this.timeline.markPending(clientId);
    this.transmit(clientId);
    this.input.focus();
  }

  /**
   * RATE_LIMITED or UNAVAILABLE: the messages stay pending; nothing is sent for a growing,
   * jittered pause, then every pending message goes out again, oldest first (same client ids).
   */
  private pauseOutbox(): void {
    if (Date.now() < this.pausedUntil) return;
    const ceiling = Math.min(15_000, 1000 * 2 ** this.pauseRound);
    this.pauseRound++;
    const delay = ceiling / 2 + Math.random() * (ceiling / 2);
    this.pausedUntil = Date.now() + delay;
    window.clearTimeout(this.flushTimer);
    this.flushTimer = window.setTimeout(() => {
      this.pausedUntil = 0;
      for (const clientId of this.timeline.pendingIds()) this.transmit(clientId);
    }, delay);
  }

  private clearAckTimer(clientId: string): void {
    const timer = this.ackTimers.get(clientId);
    if (timer !== undefined) window.clearTimeout(timer);
    this.ackTimers.delete(clientId);
  }

  // ---------- history ----------

  private setHasMore(hasMore: boolean): void {
    this.hasMore = hasMore;
    this.loadMore.hidden = !hasMore;
    this.startNote.hidden = hasMore;
  }

  private async loadOlder(): Promise<void> {
    if (this.loadingHistory || !this.hasMore) return;
    this.loadingHistory = true;
    this.loadMore.setAttribute('aria-busy', 'true');
    this.loadMore.setAttribute('aria-disabled', 'true');
    this.log.setAttribute('aria-busy', 'true');
    const before = this.timeline.lowestId;
    const query = before > 0 ? `before=${before}&limit=${HISTORY_PAGE}` : `limit=${HISTORY_PAGE}`;
    const result = await api<HistoryPage>('GET', `${this.historyUrl}?${query}`);
    this.loadingHistory = false;
    this.loadMore.removeAttribute('aria-busy');
    this.loadMore.removeAttribute('aria-disabled');
    this.log.removeAttribute('aria-busy');
    if (!result.ok) {
      if (result.status === 401) return goToLogin();
      this.composerError.textContent = `Could not load older messages: ${result.message}`;
      return;
    }
    const hadFocus = document.activeElement === this.loadMore;
    this.timeline.prepend(result.data.messages, () => this.setHasMore(result.data.hasMore));
    if (result.data.receipts) this.updateReceipts(result.data.receipts);
    if (hadFocus && !result.data.hasMore) this.log.focus({ preventScroll: true });
  }

  // ---------- private conversations: receipts and the other person's presence ----------

  private updateReceipts(next: Receipts): void {
    const now = this.receipts ?? { deliveredUpTo: 0, readUpTo: 0 };
    this.receipts = {
      deliveredUpTo: Math.max(now.deliveredUpTo, next.deliveredUpTo, next.readUpTo),
      readUpTo: Math.max(now.readUpTo, next.readUpTo),
    };
    this.showReceipt();
  }

  private showReceipt(): void {
    if (this.peerId === null || !this.receipts) return;
    this.timeline.showReceipt(this.receipts);
  }

  private showPeerOnline(online: boolean): void {
    document.getElementById('peer-dot')?.classList.toggle('dot--on', online);
    const status = document.getElementById('peer-status');
    if (status) status.textContent = online ? 'online' : 'offline';
  }

  // ---------- typing ----------

  private showTyping(): void {
    window.clearTimeout(this.typingTimer);
    const now = Date.now();
    for (const [id, t] of this.typers) if (t.until <= now) this.typers.delete(id);
    const names = [...this.typers.values()].map((t) => t.user.username);
    let text = '';
    if (names.length === 1) text = `${names[0]} is typing…`;
    else if (names.length === 2) text = `${names[0]} and ${names[1]} are typing…`;
    else if (names.length > 2) text = 'Several people are typing…';
    if (this.typingLine.textContent !== text) this.typingLine.textContent = text;
    if (this.typers.size > 0) {
      const next = Math.min(...[...this.typers.values()].map((t) => t.until));
      this.typingTimer = window.setTimeout(() => this.showTyping(), Math.max(100, next - now));
    }
  }

  // ---------- rooms: who is here ----------

  private showPresence(online: PublicUser[]): void {
    const count = document.getElementById('online-count');
    if (count) count.textContent = String(online.length);
    document.getElementById('online-dot')?.classList.toggle('dot--on', online.length > 0);
    const list = document.getElementById('member-list');
    if (!list) return;
    const sorted = [...online].sort((a, b) => a.username.localeCompare(b.username));
    list.replaceChildren(...sorted.map((user) => memberItem(user, user.id === this.me.id)));
  }
}

/** The member list of a room: a column on wide screens (remembered), a sheet elsewhere. */
export function initMembersPanel(): void {
  const shell = byId('shell');
  const toggle = byId<HTMLButtonElement>('members-toggle');
  const close = byId<HTMLButtonElement>('members-close');
  const scrim = byId('scrim');
  const wide = window.matchMedia('(min-width: 1100px)');
  const KEY = 'natter.members';

  const isOpen = () =>
    wide.matches ? !shell.classList.contains('members-closed') : shell.classList.contains('members-open');
  const sync = () => {
    toggle.setAttribute('aria-expanded', String(isOpen()));
    scrim.hidden = wide.matches || !shell.classList.contains('members-open');
  };
  const setOpen = (open: boolean) => {
    if (wide.matches) {
      shell.classList.toggle('members-closed', !open);
      try {
        localStorage.setItem(KEY, open ? 'open' : 'closed');
      } catch {
        // Storage may be unavailable (private mode); the choice just is not remembered.
      }
    } else {
      shell.classList.toggle('members-open', open);
      if (open) close.focus();
    }
    sync();
  };

  try {
    if (localStorage.getItem(KEY) === 'closed') shell.classList.add('members-closed');
  } catch {
    // See above.
  }
  sync();
  wide.addEventListener('change', () => {
    shell.classList.remove('members-open');
    sync();
  });
  toggle.addEventListener('click', () => setOpen(!isOpen()));
  close.addEventListener('click', () => {
    setOpen(false);
    toggle.focus();
  });
  scrim.addEventListener('click', () => setOpen(false));
  document.addEventListener('keydown', (event) => {
    if (event.key === 'Escape' && !wide.matches && shell.classList.contains('members-open')) {
      event.preventDefault();
      setOpen(false);
      toggle.focus();
    }
  });
}
