import type { HistoryPage } from '../shared/wire.js';

/** Conversations whose newest page is kept; past this the least recently read goes. */
export const MAX_KEPT_PAGES = 256;

interface Kept {
  page: HistoryPage;
  /** The authors' version the page was built from. */
  authors: number;
}

/**
 * The newest page of each recently read conversation, kept in memory: opening a room or
 * a private conversation reads it, and it changes only when a message is stored there
 * (`forget`) or someone's name or picture changes (`authorsVersion` moves on). Readers
 * at the same time share one read. A read under way when its conversation is forgotten
 * still answers those who asked, but is not kept: it may have missed the new message.
 * Pages are frozen: they are shared by every reader.
 */
export class NewestPages {
  private readonly kept = new Map<string, Promise<Kept>>();

  constructor(private readonly authorsVersion: () => number) {}

  async get(key: string, read: () => Promise<HistoryPage>): Promise<HistoryPage> {
    const entry = this.kept.get(key) ?? this.load(key, read);
    this.keep(key, entry);
    const { page, authors } = await entry;
    if (authors === this.authorsVersion()) return page;
    const fresh = this.load(key, read);
    if (this.kept.get(key) === entry) this.keep(key, fresh);
    return (await fresh).page;
  }

  /** A message was stored in the conversation: its kept page is out of date. */
  forget(key: string): void {
    this.kept.delete(key);
  }

  /** Kept as the most recently read; the least recently read goes past the limit. */
  private keep(key: string, entry: Promise<Kept>): void {
    this.kept.delete(key);
    this.kept.set(key, entry);
    if (this.kept.size > MAX_KEPT_PAGES) this.kept.delete(this.kept.keys().next().value!);
  }

  private load(key: string, read: () => Promise<HistoryPage>): Promise<Kept> {
    const authors = this.authorsVersion();
    const loading = read().then((page) => {
      Object.freeze(page.messages);
      return { page: Object.freeze(page), authors };
    });
    // A failed read is not kept: the next reader tries again.
    loading.catch(() => {
      if (this.kept.get(key) === loading) this.kept.delete(key);
    });
    return loading;
  }
}
