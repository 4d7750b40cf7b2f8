// A conversation page (a room or a private conversation): wires the socket's frames to the
// parts of the page — the log, the outbox, catch-up and older history, typing, receipts and
// presence — and keeps the read mark and the unseen count, which span all of them.

import type { PublicUser, Receipts, SendTarget, ServerFrame, WireMessage } from '../../src/shared/wire.js';
import { Attacher } from './attach.js';
import { CatchUp } from './catch-up.js';
import { Composer } from './composer.js';
import { Connection, type ConnectionState } from './connection.js';
import { bootData, byId } from './dom.js';
import { EmojiPicker, ShortcodeSuggest } from './emoji-picker.js';
import { historyUrl, OlderHistory } from './history.js';
import { initLightbox } from './lightbox.js';
import { Outbox } from './outbox.js';
import { showPeerOnline, showRoomPresence } from './presence.js';
import { ReceiptsView } from './receipts.js';
import { type ConversationKey, goToLogin, Shell } from './shell.js';
import { StatusBanner } from './status-banner.js';
import { Timeline } from './timeline.js';
import { TypingIndicator, TypingSender } from './typing.js';
import { UnsentStore } from './unsent-store.js';

interface Boot {
  me: PublicUser;
  target: SendTarget;
  hasMore: boolean;
  /** How far I had read when the page was made; -1 when I am not a member of the room yet. */
  lastReadId: number;
  peer?: PublicUser & { online: boolean };
  receipts?: Receipts | null;
  /** The largest file the server takes (MAX_UPLOAD_BYTES). */
  maxUploadBytes: number;
}

export class ConversationPage {
  private readonly boot = bootData<Boot>();
  private readonly me = this.boot.me;
  private readonly target = this.boot.target;
  private readonly roomId = 'roomId' in this.target ? this.target.roomId : null;
  private readonly peerId = 'toUserId' in this.target ? this.target.toUserId : null;
  private readonly key: ConversationKey = this.roomId !== null ? `r:${this.roomId}` : `d:${this.peerId ?? 0}`;
  private readonly shell = new Shell(this.me, this.key);
  private readonly log = byId('log');
  private readonly input = byId<HTMLTextAreaElement>('composer-input');
  private readonly composerError = byId('composer-error');
  private readonly banner = new StatusBanner(byId('conn-banner'));
  private readonly timeline: Timeline;
  private readonly connection: Connection;
  private readonly outbox: Outbox;
  private readonly composer: Composer;
  private readonly typing: TypingIndicator;
  private readonly catchUp: CatchUp;
  private readonly history: OlderHistory;
  private readonly receipts: ReceiptsView;
  private readonly typingSender: TypingSender;
  private readSent: number;
  /** A "New" divider was placed while the tab was hidden and has not been read past yet. */
  private dividerActive = false;
  private unseen = 0;

  constructor() {
    this.readSent = this.boot.lastReadId;
    this.timeline = new Timeline(
      { log: this.log, list: byId('log-list'), pill: byId<HTMLButtonElement>('new-pill') },
      this.me,
      { lastReadId: this.boot.lastReadId, onConfirmed: (clientId) => this.outbox.confirmed(clientId) },
    );
    this.connection = new Connection({
      onOpen: (reconnected) => void this.onOpen(reconnected),
      onFrame: (frame) => this.onFrame(frame),
      onState: (state) => this.onState(state),
      onLoggedOut: goToLogin,
    });
    this.receipts = new ReceiptsView(this.timeline, this.peerId !== null, this.boot.receipts ?? null);
    this.outbox = new Outbox({
      pending: this.timeline,
      connection: this.connection,
      target: this.target,
      unsent: new UnsentStore(this.me.id, this.target),
      onRetry: () => this.input.focus(),
    });
    this.typingSender = new TypingSender(this.connection, this.target);
    this.typing = new TypingIndicator(byId('typing'));
    this.composer = new Composer({
      els: {
        form: byId<HTMLFormElement>('composer'),
        input: this.input,
        count: byId('composer-count'),
        error: this.composerError,
      },
      typing: this.typingSender,
      send: (text, attachment) => this.outbox.enqueue(text, attachment),
    });
    const url = historyUrl(this.target);
    this.history = new OlderHistory({
      url,
      timeline: this.timeline,
      els: { log: this.log, loadMore: byId<HTMLButtonElement>('load-more'), startNote: byId('log-start') },
      hasMore: this.boot.hasMore,
      onReceipts: (receipts) => this.receipts.update(receipts),
      onError: (message) => this.composer.showError(message),
      onLoggedOut: goToLogin,
    });
    this.catchUp = new CatchUp({
      url,
      timeline: this.timeline,
      show: (messages) => this.showNew(messages),
      setHasMore: (hasMore) => this.history.setHasMore(hasMore),
      onReceipts: (receipts) => this.receipts.update(receipts),
      onLoggedOut: goToLogin,
    });
  }

  start(): void {
    // The autocomplete first: while it is open, Enter picks a shortcode instead of sending.
    new ShortcodeSuggest(this.input, byId('shortcode-suggest'));
    this.composer.listen();
    new EmojiPicker(byId<HTMLButtonElement>('emoji-button'), byId('emoji-picker'), this.input);
    new Attacher(
      {
        button: byId<HTMLButtonElement>('attach-button'),
        input: byId<HTMLInputElement>('attach-input'),
        list: byId('uploads'),
        dropTarget: byId('main'),
        dropZone: byId('drop-zone'),
        textarea: this.input,
      },
      this.boot.maxUploadBytes,
      (attachment) => this.composer.sendAttachment(attachment),
      goToLogin,
    );
    initLightbox(byId('log-list'));
    this.receipts.show();
    document.addEventListener('visibilitychange', () => {
      if (document.visibilityState !== 'visible') return;
      this.setUnseen(0);
      this.markRead();
    });
    window.addEventListener('focus', () => this.markRead());
    this.log.addEventListener('scroll', () => this.markRead(), { passive: true });
    this.connection.start();
  }

  /** Subscribe, fetch what was missed, then re-send what is still pending (same client ids). */
  private async onOpen(reconnected: boolean): Promise<void> {
    this.outbox.socketOpened();
    if (this.roomId !== null) this.connection.send({ type: 'subscribe', roomId: this.roomId });
    this.connection.send({ type: 'subscribeLobby' });
    if (reconnected) void this.shell.resync();
    await this.catchUp.run();
    if (!this.connection.isOpen) return;
    this.outbox.resendUnsent();
    this.markRead();
  }

  private onState(state: ConnectionState): void {
    this.banner.update(state);
    if (state !== 'open') this.outbox.socketLost();
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

  /** True when someone else is typing in this conversation. */
  private typingHere(frame: Extract<ServerFrame, { type: 'typing' }>): boolean {
    if (frame.user.id === this.me.id) return false;
    return this.roomId !== null
      ? frame.roomId === this.roomId
      : frame.roomId === null && frame.user.id === this.peerId;
  }

  private onFrame(frame: ServerFrame): void {
    if (frame.type === 'message' && this.belongs(frame.message)) {
      this.shell.seen(frame.message);
      this.catchUp.live(frame.message);
      return;
    }
    this.shell.handle(frame);
    switch (frame.type) {
      case 'ack':
        if (!this.belongs(frame.message)) return;
        this.outbox.acked(frame.clientId);
        // (An ack is not a live message for catch-up: a message just below it might still be on its way.)
        this.timeline.add([frame.message]);
        this.receipts.show();
        // Writing in a conversation means having read it up to there.
        this.markRead();
        return;
      case 'presence':
        if (frame.roomId === this.roomId) showRoomPresence(frame.online, this.me);
        return;
      case 'people':
        for (const change of frame.changes) if (change.userId === this.peerId) showPeerOnline(change.online);
        return;
      case 'receipt':
        if (frame.userId === this.peerId) this.receipts.update(frame);
        return;
      case 'typing':
        if (this.typingHere(frame)) this.typing.typing(frame.user);
        return;
      case 'error':
        // A refused read mark (the message is not in this conversation) needs no words.
        if (frame.code === 'MESSAGE_NOT_FOUND') return;
        if (!this.outbox.rejected(frame.clientId, frame.code, frame.message))
          this.composer.showError(frame.message);
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
    this.typing.stopped(fromOthers.map((m) => m.from.id));
    this.receipts.show();
    if (hidden) this.setUnseen(this.unseen + fromOthers.length);
    this.markRead();
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
}
