// Older history: the "Load more" button above the log, fetching pages before the oldest message shown.

import type { HistoryPage, Receipts, SendTarget } from '../../src/shared/wire.js';
import { api } from './api.js';
import type { Timeline } from './timeline.js';

/** Messages per page when scrolling back (and for the first page of an empty log). */
export const HISTORY_PAGE = 50;

/** Where a conversation's messages are paged from (`?before=`, `?after=`, `?limit=`). */
export function historyUrl(target: SendTarget): string {
  return 'roomId' in target ? `/api/rooms/${target.roomId}/messages` : `/api/dm/${target.toUserId}/messages`;
}

export interface OlderHistoryDeps {
  url: string;
  timeline: Pick<Timeline, 'lowestId' | 'prepend'>;
  els: { log: HTMLElement; loadMore: HTMLButtonElement; startNote: HTMLElement };
  /** Whether the server has messages before the ones on the page when it was made. */
  hasMore: boolean;
  onReceipts: (receipts: Receipts) => void;
  onError: (message: string) => void;
  onLoggedOut: () => void;
}

export class OlderHistory {
  private hasMore: boolean;
  private loading = false;

  constructor(private readonly deps: OlderHistoryDeps) {
    this.hasMore = deps.hasMore;
    deps.els.loadMore.addEventListener('click', () => void this.loadOlder());
  }

  /** Shows "Load more" while there is more, and the "start of the conversation" note once there is not. */
  setHasMore(hasMore: boolean): void {
    const { loadMore, startNote } = this.deps.els;
    this.hasMore = hasMore;
    loadMore.hidden = !hasMore;
    startNote.hidden = hasMore;
  }

  private async loadOlder(): Promise<void> {
    if (this.loading || !this.hasMore) return;
    const { log, loadMore } = this.deps.els;
    this.loading = true;
    loadMore.setAttribute('aria-busy', 'true');
    loadMore.setAttribute('aria-disabled', 'true');
    log.setAttribute('aria-busy', 'true');
    const before = this.deps.timeline.lowestId;
    const query = before > 0 ? `before=${before}&limit=${HISTORY_PAGE}` : `limit=${HISTORY_PAGE}`;
    const result = await api<HistoryPage>('GET', `${this.deps.url}?${query}`);
    this.loading = false;
    loadMore.removeAttribute('aria-busy');
    loadMore.removeAttribute('aria-disabled');
    log.removeAttribute('aria-busy');
    if (!result.ok) {
      if (result.status === 401) return this.deps.onLoggedOut();
      this.deps.onError(`Could not load older messages: ${result.message}`);
      return;
    }
    const hadFocus = document.activeElement === loadMore;
    this.deps.timeline.prepend(result.data.messages, () => this.setHasMore(result.data.hasMore));
    if (result.data.receipts) this.deps.onReceipts(result.data.receipts);
    // The button is gone at the start of the conversation: keep the focus nearby instead of on <body>.
    if (hadFocus && !result.data.hasMore) log.focus({ preventScroll: true });
  }
}
