// Delivery receipts in a private conversation: how far the other person has received and read.

import type { Receipts } from '../../src/shared/wire.js';
import type { Timeline } from './timeline.js';

export class ReceiptsView {
  /**
   * @param receipts what the page was made with; null in a room (receipts are for private
   *   conversations only) or before the other person received anything.
   */
  constructor(
    private readonly timeline: Pick<Timeline, 'showReceipt'>,
    private readonly isPrivate: boolean,
    private receipts: Receipts | null,
  ) {}

  /** Receipts only move forward (a page fetched earlier may arrive after a newer live receipt). */
  update(next: Receipts): void {
    const now = this.receipts ?? { deliveredUpTo: 0, readUpTo: 0 };
    this.receipts = {
      // Read implies delivered.
      deliveredUpTo: Math.max(now.deliveredUpTo, next.deliveredUpTo, next.readUpTo),
      readUpTo: Math.max(now.readUpTo, next.readUpTo),
    };
    this.show();
  }

  /** (Re)draws the mark under my latest message; call it whenever my messages change. */
  show(): void {
    if (!this.isPrivate || !this.receipts) return;
    this.timeline.showReceipt(this.receipts);
  }
}
