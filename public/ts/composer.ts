// The composer: the text box with its length counter, Enter to send, and growing with its text.

import type { Attachment } from '../../src/shared/wire.js';
import { codePoints } from './format.js';
import type { TypingSender } from './typing.js';

const MAX_LENGTH = 4000;
/** From here on the counter shows how many characters are left. */
const WARN_AT = 3500;

export interface ComposerDeps {
  els: { form: HTMLFormElement; input: HTMLTextAreaElement; count: HTMLElement; error: HTMLElement };
  typing: TypingSender;
  send: (text: string, attachment: Attachment | null) => void;
}

export class Composer {
  private readonly input: HTMLTextAreaElement;
  private readonly error: HTMLElement;

  constructor(private readonly deps: ComposerDeps) {
    this.input = deps.els.input;
    this.error = deps.els.error;
  }

  /** Call after the shortcode autocomplete is set up: while it is open, Enter picks a shortcode instead. */
  listen(): void {
    const { form, count } = this.deps.els;
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      this.submit();
    });
    this.input.addEventListener('keydown', (event) => {
      if (event.defaultPrevented) return;
      // keyCode 229: a key that an input method (IME) is still composing with.
      if (event.key !== 'Enter' || event.shiftKey || event.isComposing || event.keyCode === 229) return;
      event.preventDefault();
      this.submit();
    });
    const autosize = !CSS.supports('field-sizing', 'content');
    this.input.addEventListener('input', () => {
      const n = codePoints(this.input.value);
      count.classList.toggle('is-near', n >= WARN_AT && n <= MAX_LENGTH);
      count.classList.toggle('is-over', n > MAX_LENGTH);
      if (n > MAX_LENGTH)
        count.textContent = `${n - MAX_LENGTH} character${n - MAX_LENGTH === 1 ? '' : 's'} over the ${MAX_LENGTH} limit`;
      else if (n >= WARN_AT) count.textContent = `${MAX_LENGTH - n} characters left`;
      else count.textContent = '';
      if (this.error.textContent !== '' && n <= MAX_LENGTH) this.error.textContent = '';
      if (autosize) {
        this.input.style.height = 'auto';
        this.input.style.height = `${Math.min(this.input.scrollHeight, 200)}px`;
      }
      this.deps.typing.composerChanged(this.input.value);
    });
  }

  showError(message: string): void {
    this.error.textContent = message;
  }

  focus(): void {
    this.input.focus();
  }

  /** An upload is stored: send it, with what is typed in the composer (if it fits). */
  sendAttachment(attachment: Attachment): void {
    let text = this.input.value.trim();
    if (codePoints(text) > MAX_LENGTH) text = '';
    else if (text !== '') this.clear();
    this.deps.send(text, attachment);
  }

  private submit(): void {
    const text = this.input.value.trim();
    if (text === '') return;
    if (codePoints(text) > MAX_LENGTH) {
      this.error.textContent = `A message can be at most ${MAX_LENGTH} characters.`;
      return;
    }
    this.error.textContent = '';
    this.clear();
    this.deps.send(text, null);
  }

  private clear(): void {
    this.input.value = '';
    // Resets the counter and the height like any edit would.
    this.input.dispatchEvent(new Event('input'));
    this.deps.typing.messageSent();
  }
}
