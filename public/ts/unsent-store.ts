// Messages typed but not yet acked, kept in the tab's sessionStorage per conversation, so
// leaving the page (another room, a reload) before the socket is back loses none of them:
// the page that opens the conversation again shows them as pending and re-sends them with
// their client ids, which the server stores at most once.

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

  /** Forgets every unsent message of this tab (on logging out). */
  static clearAll(): void {
    try {
      for (const key of Object.keys(sessionStorage))
        if (key.startsWith(PREFIX)) sessionStorage.removeItem(key);
    } catch {
      // Storage off: there is nothing to forget.
    }
  }

  all(): UnsentMessage[] {
    try {
      const parsed: unknown = JSON.parse(sessionStorage.getItem(this.key) ?? '[]');
      return Array.isArray(parsed) ? parsed.filter(isUnsent) : [];
    } catch {
      return [];
    }
  }

  add(message: UnsentMessage): void {
    this.save([...this.all().filter((m) => m.clientId !== message.clientId), message]);
  }

  remove(clientId: string): void {
    this.save(this.all().filter((m) => m.clientId !== clientId));
  }

  private save(messages: UnsentMessage[]): void {
    try {
      if (messages.length === 0) sessionStorage.removeItem(this.key);
      else sessionStorage.setItem(this.key, JSON.stringify(messages));
    } catch {
      // Storage off or full: the messages still go out from this page; only a page change loses them.
    }
  }
}

function isUnsent(value: unknown): value is UnsentMessage {
  const m = value as UnsentMessage | null;
  return typeof m?.clientId === 'string' && typeof m.text === 'string' && typeof m.attachment === 'object';
}
