// Telling the person about a message they are not looking at: an in-page toast (role="status"
// region, clickable, auto-dismissing, Esc closes) and, while the tab is hidden, a desktop
// notification (only once they allowed it from the account menu; never asked on load).

import type { WireMessage } from '../../src/shared/wire.js';
import { h, icon } from './dom.js';

export interface Alert {
  /** The conversation to open. */
  href: string;
  /** "bob", or "bob in #General". */
  title: string;
  /** The first line of the message, shortened. */
  body: string;
  /** The sender's avatar URL. */
  icon: string;
  /** The same message shown by several tabs replaces itself instead of piling up. */
  tag: string;
  /** Its conversation and id: once read there (in any tab) its toast goes. */
  conversation: string;
  messageId: number;
}

const TOAST_MS = 6000;
const MAX_TOASTS = 3;
const SNIPPET = 90;

/** The first line of a message, shortened for a notification; a file says what it is. */
export function snippet(m: WireMessage): string {
  const line = m.text.split('\n').find((l) => l.trim() !== '') ?? '';
  const chars = [...line.trim()];
  if (chars.length > 0)
    return chars.length > SNIPPET ? `${chars.slice(0, SNIPPET - 1).join('')}…` : chars.join('');
  if (m.attachment) return m.attachment.image ? 'Sent an image' : `Sent a file: ${m.attachment.name}`;
  return '';
}

export function desktopSupported(): boolean {
  return typeof Notification === 'function' && window.isSecureContext;
}

interface Toast {
  el: HTMLElement;
  timer: number | undefined;
  remaining: number;
  startedAt: number;
}

export class Notifier {
  private readonly toasts: Toast[] = [];

  constructor(private readonly region: HTMLElement) {
    document.addEventListener('keydown', (event) => {
      if (event.key !== 'Escape' || event.defaultPrevented || this.toasts.length === 0) return;
      if (document.querySelector('dialog[open]')) return;
      const newest = this.toasts[this.toasts.length - 1];
      if (newest) this.dismiss(newest);
    });
    // Toasts wait while nobody can see them.
    document.addEventListener('visibilitychange', () => {
      for (const toast of this.toasts) this.schedule(toast);
    });
  }

  /** Shows an alert as a toast, and as a desktop notification when the tab is hidden. */
  alert(alert: Alert, options: { toast: boolean }): void {
    if (options.toast) this.toast(alert);
    if (document.visibilityState === 'hidden') this.desktop(alert);
  }

  /** Takes away the toasts of a conversation's messages up to `lastReadId` (read in another tab). */
  read(conversation: string, lastReadId: number): void {
    for (const toast of [...this.toasts]) {
      const { conversation: of, id } = toast.el.dataset;
      if (of === conversation && Number(id) <= lastReadId) this.dismiss(toast);
    }
  }

  /** A plain note ("Password changed"), no link. */
  note(text: string): void {
    this.add(h('div', { class: 'toast toast--note' }, [h('p', { class: 'toast__note' }, [text])]));
  }

  private toast(alert: Alert): void {
    for (const old of this.toasts.filter((t) => t.el.dataset.tag === alert.tag)) this.dismiss(old);
    const link = h('a', { class: 'toast__link', href: alert.href }, [
      h('img', { class: 'avatar toast__avatar', src: alert.icon, alt: '', width: 32, height: 32 }),
      h('span', { class: 'toast__content' }, [
        h('span', { class: 'toast__title' }, [alert.title]),
        h('span', { class: 'toast__body' }, [alert.body]),
      ]),
    ]);
    this.add(
      h(
        'div',
        {
          class: 'toast',
          'data-tag': alert.tag,
          'data-conversation': alert.conversation,
          'data-id': alert.messageId,
        },
        [link],
      ),
    );
  }

  private add(el: HTMLElement): void {
    const close = h('button', { type: 'button', class: 'icon-btn toast__close', 'aria-label': 'Dismiss' }, [
      icon('close', 18),
    ]);
    el.append(close);
    const toast: Toast = { el, timer: undefined, remaining: TOAST_MS, startedAt: 0 };
    close.addEventListener('click', () => this.dismiss(toast));
    // Reading or tabbing into a toast holds it.
    const hold = () => this.pause(toast);
    const release = () => {
      if (!el.matches(':hover') && !el.contains(document.activeElement)) this.schedule(toast);
    };
    el.addEventListener('pointerenter', hold);
    el.addEventListener('focusin', hold);
    el.addEventListener('pointerleave', release);
    el.addEventListener('focusout', () => window.setTimeout(release));
    this.toasts.push(toast);
    this.region.append(el);
    while (this.toasts.length > MAX_TOASTS) {
      const oldest = this.toasts[0];
      if (oldest) this.dismiss(oldest);
    }
    this.schedule(toast);
  }

  private schedule(toast: Toast): void {
    window.clearTimeout(toast.timer);
    toast.timer = undefined;
    if (document.visibilityState !== 'visible' || !toast.el.isConnected) return;
    toast.startedAt = Date.now();
    toast.timer = window.setTimeout(() => this.dismiss(toast), toast.remaining);
  }

  private pause(toast: Toast): void {
    if (toast.timer === undefined) return;
    window.clearTimeout(toast.timer);
    toast.timer = undefined;
    toast.remaining = Math.max(1500, toast.remaining - (Date.now() - toast.startedAt));
  }

  private dismiss(toast: Toast): void {
    window.clearTimeout(toast.timer);
    const index = this.toasts.indexOf(toast);
    if (index >= 0) this.toasts.splice(index, 1);
    const hadFocus = toast.el.contains(document.activeElement);
    toast.el.remove();
    if (hadFocus) (document.getElementById('composer-input') ?? document.getElementById('main'))?.focus();
  }

  private desktop(alert: Alert): void {
    if (!desktopSupported() || Notification.permission !== 'granted') return;
    try {
      const n = new Notification(alert.title, { body: alert.body, icon: alert.icon, tag: alert.tag });
      n.addEventListener('click', () => {
        window.focus();
        n.close();
        if (location.pathname !== alert.href) location.assign(alert.href);
      });
    } catch {
      // Some browsers (Android) only show notifications from a service worker: the toast remains.
    }
  }
}
