// Messages typed but not yet acked, kept in the browser's localStorage per person and
// conversation, so leaving the page (another room, a reload, closing the tab) before the
// socket is back loses none of them: the next page of that conversation, in any tab of
// this browser, shows them as pending and re-sends them with their client ids, which the
// server stores at most once (two tabs sending the same one is harmless). Leaving for the
// login page (logging out, or the session ending) forgets them.

import type { Attachment, SendTarget } from '../../src/shared/wire.js';

export interface UnsentMessage {
  clientId: string;
  text: string;
  attachment: Attachment | null;
}

const PREFIX = 'natter.unsent.';

export class UnsentStore {
  private readonly key: string;

  /** One list per person and conversation: a tab someone else logs in to never sends them. */
  constructor(userId: number, target: SendTarget) {
    this.key = `${PREFIX}${userId}.${'roomId' in target ? `r${target.roomId}` : `d${target.toUserId}`}`;
  }

  /** Forgets every unsent message kept in this browser (the session is over). */
  static clearAll(): void {
    try {
      for (const key of Object.keys(localStorage)) if (key.startsWith(PREFIX)) localStorage.removeItem(key);
    } catch {
      // Storage off: there is nothing to forget.
    }
  }

  all(): UnsentMessage[] {
    try {
      const parsed: unknown = JSON.parse(localStorage.getItem(this.key) ?? '[]');
      return Array.isArray(parsed) ? parsed.filter(isUnsent) : [];
    } catch {
      return [];
    }
  }

  add(message: UnsentMessage): void {
    this.save([...this.all().filter((m) => m.clientId !== message.clientId), message]);
  }

  /** Forgets one message; nothing is written when it was not kept (most acks). */
  remove(clientId: string): void {
    const kept = this.all();
    const rest = kept.filter((m) => m.clientId !== clientId);
    if (rest.length !== kept.length) this.save(rest);
  }

  private save(messages: UnsentMessage[]): void {
    try {
      if (messages.length === 0) localStorage.removeItem(this.key);
      else localStorage.setItem(this.key, JSON.stringify(messages));
    } catch {
      // Storage off or full: the messages still go out from this page; only leaving it loses them.
    }
  }
}

function isUnsent(value: unknown): value is UnsentMessage {
  const m = value as UnsentMessage | null;
  return typeof m?.clientId === 'string' && typeof m.text === 'string' && typeof m.attachment === 'object';
}
