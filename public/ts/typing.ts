// Typing: telling the others that I am typing (throttled), and the "x is typing…" line for them.

import type { PublicUser, SendTarget } from '../../src/shared/wire.js';
import type { Connection } from './connection.js';

/** At most one "typing" frame this often while typing goes on. */
const TYPING_EVERY_MS = 3000;
/** How long someone shows as typing after their last "typing" frame (a bit over two of their sends). */
const TYPING_SHOWN_MS = 6000;

/** Tells the server I am typing, at most every TYPING_EVERY_MS. */
export class TypingSender {
  private lastSent = 0;

  constructor(
    private readonly connection: Pick<Connection, 'send'>,
    private readonly target: SendTarget,
  ) {}

  /** The composer changed: say so, unless it is empty or we said so recently. */
  composerChanged(text: string): void {
    if (text.trim() === '') return;
    const now = Date.now();
    if (now - this.lastSent < TYPING_EVERY_MS) return;
    if (this.connection.send({ type: 'typing', ...this.target })) this.lastSent = now;
  }

  /** A message went out: the next keystroke starts a new bout of typing, to announce at once. */
  messageSent(): void {
    this.lastSent = 0;
  }
}

/** The "x is typing…" line: who typed lately, each until TYPING_SHOWN_MS after their last frame. */
export class TypingIndicator {
  private readonly typers = new Map<number, { user: PublicUser; until: number }>();
  private timer: number | undefined;

  constructor(private readonly line: HTMLElement) {}

  typing(user: PublicUser): void {
    this.typers.set(user.id, { user, until: Date.now() + TYPING_SHOWN_MS });
    this.render();
  }

  /** These people's messages arrived: whatever they were typing is sent. */
  stopped(userIds: number[]): void {
    for (const id of userIds) this.typers.delete(id);
    this.render();
  }

  private render(): void {
    window.clearTimeout(this.timer);
    const now = Date.now();
    for (const [id, t] of this.typers) if (t.until <= now) this.typers.delete(id);
    const names = [...this.typers.values()].map((t) => t.user.username);
    let text = '';
    if (names.length === 1) text = `${names[0]} is typing…`;
    else if (names.length === 2) text = `${names[0]} and ${names[1]} are typing…`;
    else if (names.length > 2) text = 'Several people are typing…';
    if (this.line.textContent !== text) this.line.textContent = text;
    // Re-render when the first of them times out.
    if (this.typers.size > 0) {
      const next = Math.min(...[...this.typers.values()].map((t) => t.until));
      this.timer = window.setTimeout(() => this.render(), Math.max(100, next - now));
    }
  }
}
