// The "Reconnecting…" banner (role="status") of a page with a live connection.

import type { ConnectionState } from './connection.js';

/** Shows why the page is not live: no network, reconnecting, or a first connection that takes long. */
export class StatusBanner {
  private state: ConnectionState = 'connecting';
  private slowTimer: number | undefined;

  constructor(private readonly el: HTMLElement) {
    window.addEventListener('offline', () => this.render());
    window.addEventListener('online', () => this.render());
    // The first connection is usually instant: only say "Connecting…" when it is not.
    this.slowTimer = window.setTimeout(() => {
      this.slowTimer = undefined;
      this.render();
    }, 1500);
    if (navigator.onLine === false) this.render();
  }

  update(state: ConnectionState): void {
    this.state = state;
    this.render();
  }

  private render(): void {
    let text = '';
    if (this.state !== 'open') {
      if (navigator.onLine === false) text = 'You are offline. Reconnecting when the network is back…';
      else if (this.state === 'down') text = 'Reconnecting…';
      else if (this.slowTimer === undefined) text = 'Connecting…';
    }
    if (this.el.textContent !== text) this.el.textContent = text;
  }
}
