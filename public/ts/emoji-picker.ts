// The composer's emoji picker (a popover with the bundled categories as tabs; arrow keys move,
// Enter or a click inserts at the caret, Esc closes) and a small `:shortcode` autocomplete.
// The emoji data is src/shared/emoji.ts, loaded on first use.

import { h } from './dom.js';

type EmojiData = typeof import('../../src/shared/emoji.js');

let loading: Promise<EmojiData> | null = null;

/** The shared emoji module (served from /src/shared/emoji.js next to /js/). */
export function loadEmoji(): Promise<EmojiData> {
  if (!loading) {
    loading = import('../../src/shared/emoji.js');
    loading.catch(() => {
      loading = null;
    });
  }
  return loading;
}

/** Adds the emoji presentation selector to symbols that would otherwise show as plain text (❤ → ❤️). */
export function asEmoji(e: string): string {
  return e.includes('\uFE0F') || /^\p{Emoji_Presentation}/u.test(e) ? e : `${e}\uFE0F`;
}

/** Inserts text at the caret (replacing the selection) and tells the composer it changed. */
export function insertAtCaret(textarea: HTMLTextAreaElement, text: string, from?: number, to?: number): void {
  const start = from ?? textarea.selectionStart;
  const end = to ?? textarea.selectionEnd;
  textarea.setRangeText(text, start, end, 'end');
  textarea.focus();
  textarea.dispatchEvent(new Event('input', { bubbles: true }));
}

/** Tabs show a typical emoji of their category. */
const TAB_ICONS: Record<string, string> = {
  Smileys: '😀',
  People: '👋',
  'Animals & nature': '🐶',
  'Food & drink': '🍔',
  Activities: '⚽',
  'Travel & places': '🚗',
  Objects: '💡',
  Symbols: '❤️',
};

export class EmojiPicker {
  private built = false;
  private tabs: HTMLButtonElement[] = [];
  private panel: HTMLElement | null = null;
  private categories: { name: string; emoji: string[] }[] = [];
  private current = 0;

  constructor(
    private readonly button: HTMLButtonElement,
    private readonly popover: HTMLElement,
    private readonly textarea: HTMLTextAreaElement,
  ) {
    button.addEventListener('click', () => (this.isOpen ? this.close(true) : void this.open()));
    popover.addEventListener('keydown', (event) => this.onKey(event));
    popover.addEventListener('focusout', (event) => {
      const to = event.relatedTarget as Node | null;
      if (to && !popover.contains(to) && to !== button) this.close(false);
    });
    document.addEventListener('pointerdown', (event) => {
      const target = event.target as Node;
      if (this.isOpen && !popover.contains(target) && !button.contains(target)) this.close(false);
    });
  }

  get isOpen(): boolean {
    return !this.popover.hidden;
  }

  async open(): Promise<void> {
    this.popover.hidden = false;
    this.button.setAttribute('aria-expanded', 'true');
    if (!this.built) {
      this.popover.setAttribute('aria-busy', 'true');
      this.popover.replaceChildren(h('p', { class: 'emoji-picker__note' }, ['Loading emoji…']));
      try {
        this.categories = (await loadEmoji()).EMOJI_CATEGORIES;
      } catch {
        this.popover.removeAttribute('aria-busy');
        const note = h('p', { class: 'emoji-picker__note', tabindex: -1 }, [
          'The emoji could not be loaded. Check your connection and try again.',
        ]);
        this.popover.replaceChildren(note);
        note.focus();
        return;
      }
      this.popover.removeAttribute('aria-busy');
      this.build();
    }
    if (!this.isOpen) return;
    this.focusEmoji(this.activeEmoji() ?? 0);
  }

  close(returnFocus: boolean): void {
    if (!this.isOpen) return;
    const hadFocus = this.popover.contains(document.activeElement);
    this.popover.hidden = true;
    this.button.setAttribute('aria-expanded', 'false');
    if (returnFocus || hadFocus) this.button.focus();
  }

  private build(): void {
    const tablist = h('div', {
      class: 'emoji-picker__tabs',
      role: 'tablist',
      'aria-label': 'Emoji categories',
    });
    this.tabs = this.categories.map((cat, i) => {
      const tab = h(
        'button',
        {
          type: 'button',
          class: 'emoji-picker__tab',
          role: 'tab',
          id: `emoji-tab-${i}`,
          'aria-controls': 'emoji-panel',
          'aria-selected': String(i === 0),
          tabindex: i === 0 ? 0 : -1,
          title: cat.name,
        },
        [
          h('span', { 'aria-hidden': 'true' }, [TAB_ICONS[cat.name] ?? asEmoji(cat.emoji[0] ?? '?')]),
          h('span', { class: 'sr-only' }, [cat.name]),
        ],
      );
      tab.addEventListener('click', () => this.select(i, false));
      return tab;
    });
    tablist.append(...this.tabs);
    this.panel = h('div', {
      class: 'emoji-picker__panel',
      id: 'emoji-panel',
      role: 'tabpanel',
      'aria-labelledby': 'emoji-tab-0',
    });
    this.panel.addEventListener('click', (event) => {
      const b = (event.target as Element).closest<HTMLButtonElement>('.emoji-picker__emoji');
      if (b?.dataset.emoji) this.insert(b.dataset.emoji);
    });
    this.popover.replaceChildren(tablist, this.panel);
    this.built = true;
    this.select(0, false);
  }

  private select(index: number, focusTab: boolean): void {
    const cat = this.categories[index];
    if (!cat || !this.panel) return;
    this.current = index;
    this.tabs.forEach((tab, i) => {
      tab.setAttribute('aria-selected', String(i === index));
      tab.tabIndex = i === index ? 0 : -1;
    });
    if (focusTab) this.tabs[index]?.focus();
    this.panel.setAttribute('aria-labelledby', `emoji-tab-${index}`);
    const grid = h('div', { class: 'emoji-picker__grid' });
    cat.emoji.forEach((e, i) => {
      const shown = asEmoji(e);
      grid.append(
        h(
          'button',
          { type: 'button', class: 'emoji-picker__emoji', 'data-emoji': shown, tabindex: i === 0 ? 0 : -1 },
          [shown],
        ),
      );
    });
    this.panel.replaceChildren(
      h('p', { class: 'emoji-picker__heading', 'aria-hidden': 'true' }, [cat.name]),
      grid,
    );
    this.panel.scrollTop = 0;
  }

  private emojiButtons(): HTMLButtonElement[] {
    return [...(this.panel?.querySelectorAll<HTMLButtonElement>('.emoji-picker__emoji') ?? [])];
  }

  private activeEmoji(): number | undefined {
    const i = this.emojiButtons().findIndex((b) => b.tabIndex === 0);
    return i >= 0 ? i : undefined;
  }

  private focusEmoji(index: number): void {
    const buttons = this.emojiButtons();
    const target = buttons[Math.max(0, Math.min(buttons.length - 1, index))];
    if (!target) return;
    for (const b of buttons) b.tabIndex = b === target ? 0 : -1;
    target.focus();
    target.scrollIntoView({ block: 'nearest' });
  }

  /** Buttons per row, as laid out now. */
  private columns(): number {
    const buttons = this.emojiButtons();
    const top = buttons[0]?.offsetTop ?? 0;
    const n = buttons.findIndex((b) => b.offsetTop !== top);
    return n > 0 ? n : Math.max(1, buttons.length);
  }

  private onKey(event: KeyboardEvent): void {
    if (event.key === 'Escape') {
      event.preventDefault();
      event.stopPropagation();
      this.close(true);
      return;
    }
    const target = event.target as HTMLElement;
    const tabIndex = this.tabs.indexOf(target as HTMLButtonElement);
    if (tabIndex >= 0) {
      const n = this.tabs.length;
      const moves: Record<string, number> = {
        ArrowRight: (tabIndex + 1) % n,
        ArrowLeft: (tabIndex - 1 + n) % n,
        Home: 0,
        End: n - 1,
      };
      const to = moves[event.key];
      if (to !== undefined) {
        event.preventDefault();
        this.select(to, true);
      } else if (event.key === 'ArrowDown') {
        event.preventDefault();
        this.focusEmoji(0);
      }
      return;
    }
    const buttons = this.emojiButtons();
    const at = buttons.indexOf(target as HTMLButtonElement);
    if (at < 0) return;
    const cols = this.columns();
    const moves: Record<string, number> = {
      ArrowRight: at + 1,
      ArrowLeft: at - 1,
      ArrowDown: at + cols,
      ArrowUp: at - cols,
      Home: 0,
      End: buttons.length - 1,
    };
    const to = moves[event.key];
    if (to === undefined) return;
    event.preventDefault();
    if (event.key === 'ArrowUp' && at < cols) this.tabs[this.current]?.focus();
    else this.focusEmoji(to);
  }

  private insert(emoji: string): void {
    this.close(false);
    insertAtCaret(this.textarea, emoji);
  }
}

const SHORTCODE_TYPED = /(?:^|[\s(])(:[a-z0-9_+-]{2,30})$/;
const MAX_SUGGESTIONS = 6;

/** While `:smi` is typed, offers matching shortcodes; ↑/↓ choose, Enter or Tab takes one, Esc closes. */
export class ShortcodeSuggest {
  private matches: [string, string][] = [];
  private active = 0;
  private from = 0;
  private codes: [string, string][] | null = null;

  constructor(
    private readonly textarea: HTMLTextAreaElement,
    private readonly list: HTMLElement,
  ) {
    textarea.addEventListener('input', () => void this.update());
    // Leaving the box closes the list (after a moment, so a click on an option still counts).
    textarea.addEventListener('blur', () =>
      window.setTimeout(() => {
        if (document.activeElement !== textarea) this.hide();
      }, 150),
    );
    textarea.addEventListener('keydown', (event) => this.onKey(event));
    list.addEventListener('pointerdown', (event) => event.preventDefault());
    list.addEventListener('click', (event) => {
      const li = (event.target as Element).closest<HTMLElement>('[data-index]');
      if (li) this.accept(Number(li.dataset.index));
    });
  }

  get isOpen(): boolean {
    return !this.list.hidden;
  }

  private async update(): Promise<void> {
    const caret = this.textarea.selectionStart;
    const typed =
      this.textarea.selectionEnd === caret ? SHORTCODE_TYPED.exec(this.textarea.value.slice(0, caret)) : null;
    if (!typed?.[1]) return this.hide();
    if (!this.codes) {
      try {
        const { SHORTCODES } = await loadEmoji();
        this.codes = Object.entries(SHORTCODES).sort(([a], [b]) => a.length - b.length || a.localeCompare(b));
      } catch {
        return this.hide();
      }
    }
    const query = typed[1].slice(1);
    const starts = this.codes.filter(([name]) => name.startsWith(query));
    const contains = this.codes.filter(([name]) => !name.startsWith(query) && name.includes(query));
    this.matches = [...starts, ...contains].slice(0, MAX_SUGGESTIONS);
    if (this.matches.length === 0) return this.hide();
    this.from = caret - typed[1].length;
    this.active = 0;
    this.render();
  }

  private render(): void {
    this.list.replaceChildren(
      ...this.matches.map(([name, emoji], i) =>
        h(
          'li',
          {
            class: 'suggest__item',
            role: 'option',
            id: `shortcode-${i}`,
            'data-index': i,
            'aria-selected': String(i === this.active),
          },
          [h('span', { class: 'suggest__emoji', 'aria-hidden': 'true' }, [emoji]), `:${name}:`],
        ),
      ),
    );
    this.list.hidden = false;
    this.textarea.setAttribute('aria-activedescendant', `shortcode-${this.active}`);
  }

  private hide(): void {
    if (this.list.hidden) return;
    this.list.hidden = true;
    this.list.replaceChildren();
    this.matches = [];
    this.textarea.removeAttribute('aria-activedescendant');
  }

  private onKey(event: KeyboardEvent): void {
    if (!this.isOpen || event.isComposing) return;
    const n = this.matches.length;
    if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
      event.preventDefault();
      this.active = (this.active + (event.key === 'ArrowDown' ? 1 : n - 1)) % n;
      this.render();
    } else if ((event.key === 'Enter' && !event.shiftKey) || event.key === 'Tab') {
      event.preventDefault();
      event.stopImmediatePropagation();
      this.accept(this.active);
    } else if (event.key === 'Escape') {
      event.preventDefault();
      this.hide();
    }
  }

  private accept(index: number): void {
    const match = this.matches[index];
    if (!match) return;
    this.hide();
    insertAtCaret(this.textarea, match[1], this.from, this.textarea.selectionStart);
  }
}
