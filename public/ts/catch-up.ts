// Catch-up: after the socket (re)opens, fetch what was missed, page by page after the last
// message known to be contiguous, holding live messages back until the gap is filled, so the
// log never shows a newer message above a hole.

import type { HistoryPage, Receipts, WireMessage } from '../../src/shared/wire.js';
import { api } from './api.js';
import { HISTORY_PAGE } from './history.js';
import type { Timeline } from './timeline.js';

const CATCH_UP_PAGE = 100;

export interface CatchUpDeps {
  url: string;
  timeline: Pick<Timeline, 'isEmpty' | 'highestId'>;
  /** Puts messages in the log (history pages and live messages alike). */
  show: (messages: WireMessage[]) => void;
  setHasMore: (hasMore: boolean) => void;
  onReceipts: (receipts: Receipts) => void;
  onLoggedOut: () => void;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export class CatchUp {
  private catchingUp = false;
  /** Every message up to this id is shown (history is contiguous up to here): catch-up starts after it. */
  private syncedUpTo: number;
  private buffered: WireMessage[] = [];
  /** Bumped by each catch-up, so that an older one still fetching knows it was superseded. */
  private syncRun = 0;

  constructor(private readonly deps: CatchUpDeps) {
    this.syncedUpTo = deps.timeline.highestId;
  }

  /** A live message from the socket: shown now, or held back while a catch-up runs. */
  live(message: WireMessage): void {
    if (this.catchingUp) this.buffered.push(message);
    else this.showLive([message]);
  }

  /** Fetches what was missed while the socket was down (or before it first opened). */
  async run(): Promise<void> {
    const run = ++this.syncRun;
    this.catchingUp = true;
    this.buffered = [];
    let complete = false;
    try {
      if (this.deps.timeline.isEmpty) {
        const page = await this.fetchPage(`limit=${HISTORY_PAGE}`, run);
        if (!page) return;
        this.deps.show(page.messages);
        this.syncedUpTo = Math.max(this.syncedUpTo, page.messages.at(-1)?.id ?? 0);
        if (this.deps.timeline.isEmpty) {
          complete = true;
          return;
        }
        this.deps.setHasMore(page.hasMore);
      }
      // Page by page from the last message known to be contiguous, while the server has more.
      for (;;) {
        const page = await this.fetchPage(`after=${this.syncedUpTo}&limit=${CATCH_UP_PAGE}`, run);
        if (!page) return;
        this.deps.show(page.messages);
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
        else this.deps.show(held);
      }
    }
  }

  /** Live messages (not history): they also move the point up to which history is complete. */
  private showLive(messages: WireMessage[]): void {
    for (const m of messages) this.syncedUpTo = Math.max(this.syncedUpTo, m.id);
    this.deps.show(messages);
  }

  /** One page of history; null when superseded by a newer sync or after repeated failure. */
  private async fetchPage(query: string, run: number): Promise<HistoryPage | null> {
    for (let attempt = 0; attempt < 3; attempt++) {
      if (run !== this.syncRun) return null;
      const result = await api<HistoryPage>('GET', `${this.deps.url}?${query}`);
      if (result.ok) {
        if (run !== this.syncRun) return null;
        if (result.data.receipts) this.deps.onReceipts(result.data.receipts);
        return result.data;
      }
      if (result.status === 401) {
        this.deps.onLoggedOut();
        return null;
      }
      // A client error will not go away by asking again.
      if (result.status >= 400 && result.status < 500) return null;
      await sleep(500 * 2 ** attempt);
    }
    return null;
  }
}
