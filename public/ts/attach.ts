// Files into the composer: the "Attach file" button, drag and drop onto the conversation,
// and pasted images. Each file is uploaded with a progress bar; once stored, the page
// sends it as a message. A failed upload stays in the list with its reason and "Retry"
// (only "Remove" when trying again cannot help: a file over the size limit is refused
// before any of it is sent).

import type { Attachment } from '../../src/shared/wire.js';
import { h, icon } from './dom.js';
import { formatSize } from './render.js';
import { type Upload, uploadErrorText, uploadFile } from './upload.js';

export interface AttachElements {
  button: HTMLButtonElement;
  input: HTMLInputElement;
  list: HTMLElement;
  dropTarget: HTMLElement;
  dropZone: HTMLElement;
  textarea: HTMLTextAreaElement;
}

interface Item {
  file: File;
  li: HTMLLIElement;
  bar: HTMLElement;
  fill: HTMLElement;
  meta: HTMLElement;
  error: HTMLElement;
  actions: HTMLElement;
  state: 'queued' | 'uploading' | 'failed';
  /** Whether trying again could succeed (not for a file over the limit). */
  retryable: boolean;
  upload: Upload<{ attachment: Attachment }> | null;
}

/** Refusals that trying the same file again cannot change. */
const FINAL = new Set(['TOO_LARGE', 'QUOTA_EXCEEDED', 'UNSUPPORTED_MEDIA_TYPE', 'VALIDATION']);

/** "Pasted image 2026-11-23 17.35.26.png" for the nameless images a clipboard holds. */
function pastedName(file: File): string {
  if (file.name && file.name !== 'image.png') return file.name;
  const d = new Date();
  const pad = (n: number) => String(n).padStart(2, '0');
  const ext = (file.type.split('/')[1] ?? 'png').replace(/[^a-z0-9]/g, '') || 'png';
  return `Pasted image ${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}.${pad(d.getMinutes())}.${pad(d.getSeconds())}.${ext}`;
}

function hasFiles(event: DragEvent): boolean {
  return [...(event.dataTransfer?.types ?? [])].includes('Files');
}

export class Attacher {
  private readonly items: Item[] = [];

  constructor(
    private readonly els: AttachElements,
    private readonly maxBytes: number,
    private readonly onUploaded: (attachment: Attachment) => void,
    private readonly onLoggedOut: () => void,
  ) {
    els.button.addEventListener('click', () => els.input.click());
    els.input.addEventListener('change', () => {
      this.add([...(els.input.files ?? [])]);
      els.input.value = '';
    });
    els.textarea.addEventListener('paste', (event) => {
      const data = event.clipboardData;
      const files = [...(data?.files ?? [])];
      // Text that comes with a picture (a copied web page, a spreadsheet) pastes as text.
      if (files.length === 0 || data?.types.includes('text/plain')) return;
      event.preventDefault();
      this.add(files.map((f) => new File([f], pastedName(f), { type: f.type })));
    });
    this.initDrop();
  }

  /** Queues files for upload, one after another. */
  add(files: File[]): void {
    for (const file of files) {
      const item = this.item(file);
      this.items.push(item);
      this.els.list.hidden = false;
      if (file.size > this.maxBytes) {
        const limit = formatSize(this.maxBytes);
        this.fail(item, `“${file.name}” is too large to upload: files can be at most ${limit}.`, false);
      }
    }
    this.pump();
  }

  private initDrop(): void {
    const { dropTarget, dropZone } = this.els;
    let depth = 0;
    const hide = () => {
      depth = 0;
      dropZone.hidden = true;
    };
    dropTarget.addEventListener('dragenter', (event) => {
      if (!hasFiles(event)) return;
      event.preventDefault();
      depth++;
      dropZone.hidden = false;
    });
    dropTarget.addEventListener('dragover', (event) => {
      if (!hasFiles(event)) return;
      event.preventDefault();
      if (event.dataTransfer) event.dataTransfer.dropEffect = 'copy';
    });
    dropTarget.addEventListener('dragleave', () => {
      depth = Math.max(0, depth - 1);
      if (depth === 0) dropZone.hidden = true;
    });
    dropTarget.addEventListener('drop', (event) => {
      if (!hasFiles(event)) return;
      event.preventDefault();
      hide();
      this.add([...(event.dataTransfer?.files ?? [])]);
      this.els.textarea.focus();
    });
    // A file dropped beside the drop zone must not replace the page with itself.
    for (const type of ['dragover', 'drop'] as const) {
      window.addEventListener(type, (event) => {
        if (hasFiles(event)) event.preventDefault();
      });
    }
    window.addEventListener('dragend', hide);
  }

  private item(file: File): Item {
    const fill = h('span', { class: 'upload__fill' });
    const bar = h(
      'span',
      {
        class: 'upload__bar',
        role: 'progressbar',
        'aria-label': `Uploading ${file.name}`,
        'aria-valuemin': 0,
        'aria-valuemax': 100,
        'aria-valuenow': 0,
      },
      [fill],
    );
    const meta = h('span', { class: 'upload__meta' }, [`${formatSize(file.size)} · waiting`]);
    // The card's own line is the alert (shown before its text is written, so screen
    // readers announce a failure once), and it goes with the card.
    const error = h('span', { class: 'upload__error', role: 'alert' });
    const actions = h('span', { class: 'upload__actions' });
    const li = h('li', { class: 'upload' }, [
      h('span', { class: 'upload__icon' }, [icon(file.type.startsWith('image/') ? 'image' : 'file')]),
      h('span', { class: 'upload__main' }, [
        h('span', { class: 'upload__name' }, [file.name]),
        meta,
        bar,
        error,
      ]),
      actions,
    ]);
    this.els.list.append(li);
    const item: Item = {
      file,
      li,
      bar,
      fill,
      meta,
      error,
      actions,
      state: 'queued',
      retryable: true,
      upload: null,
    };
    this.setActions(item);
    return item;
  }

  private setActions(item: Item): void {
    const button = (label: string, text: string, onClick: () => void, primary = false) => {
      const b = h(
        'button',
        {
          type: 'button',
          class: `btn btn--small ${primary ? 'btn--secondary' : 'btn--ghost'}`,
          'aria-label': label,
        },
        [text],
      );
      b.addEventListener('click', onClick);
      return b;
    };
    const name = item.file.name;
    if (item.state === 'failed') {
      const remove = button(`Remove ${name}`, 'Remove', () => this.remove(item));
      if (item.retryable)
        item.actions.replaceChildren(
          button(`Retry uploading ${name}`, 'Retry', () => this.retry(item), true),
          remove,
        );
      else item.actions.replaceChildren(remove);
    } else {
      item.actions.replaceChildren(button(`Cancel uploading ${name}`, 'Cancel', () => this.remove(item)));
    }
  }

  private progress(item: Item, fraction: number): void {
    const percent = Math.round(Math.min(1, Math.max(0, fraction)) * 100);
    item.bar.setAttribute('aria-valuenow', String(percent));
    item.fill.style.transform = `scaleX(${percent / 100})`;
    item.meta.textContent = `${formatSize(item.file.size)} · ${percent < 100 ? `uploading, ${percent}%` : 'finishing…'}`;
  }

  private pump(): void {
    if (this.items.some((i) => i.state === 'uploading')) return;
    const next = this.items.find((i) => i.state === 'queued');
    if (next) void this.start(next);
  }

  private async start(item: Item): Promise<void> {
    item.state = 'uploading';
    item.li.classList.remove('upload--failed');
    item.error.textContent = '';
    item.bar.hidden = false;
    this.progress(item, 0);
    item.upload = uploadFile<{ attachment: Attachment }>('/api/uploads', item.file, item.file.name, (f) =>
      this.progress(item, f),
    );
    const result = await item.upload.result;
    item.upload = null;
    if (!this.items.includes(item)) return this.pump();
    if (result.ok) {
      this.remove(item);
      this.onUploaded(result.data.attachment);
    } else if (result.code === 'UNAUTHENTICATED') {
      this.onLoggedOut();
      return;
    } else {
      this.fail(item, uploadErrorText(item.file.name, result), !FINAL.has(result.code));
    }
    this.pump();
  }

  private fail(item: Item, text: string, retryable: boolean): void {
    item.state = 'failed';
    item.retryable = retryable;
    item.li.classList.add('upload--failed');
    item.bar.hidden = true;
    item.meta.textContent = `${formatSize(item.file.size)} · not uploaded`;
    item.error.textContent = text;
    this.setActions(item);
  }

  private retry(item: Item): void {
    const focusNext = item.li.contains(document.activeElement);
    item.state = 'queued';
    item.li.classList.remove('upload--failed');
    item.error.textContent = '';
    item.meta.textContent = `${formatSize(item.file.size)} · waiting`;
    this.setActions(item);
    if (focusNext) item.actions.querySelector('button')?.focus();
    this.pump();
  }

  private remove(item: Item): void {
    const index = this.items.indexOf(item);
    if (index < 0) return;
    this.items.splice(index, 1);
    item.upload?.abort();
    const hadFocus = item.li.contains(document.activeElement);
    item.li.remove();
    this.els.list.hidden = this.items.length === 0;
    if (hadFocus) this.els.textarea.focus();
    this.pump();
  }
}
