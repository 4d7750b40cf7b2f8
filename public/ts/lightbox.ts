// Clicking an image preview in the log opens the full image in a dialog (Esc or the close
// button closes it). Modified clicks (new tab, new window) keep the link's own behaviour.

import { h } from './dom.js';

export function initLightbox(list: HTMLElement): void {
  const dialog = document.getElementById('lightbox') as HTMLDialogElement | null;
  const stage = document.getElementById('lightbox-stage');
  const title = document.getElementById('lightbox-title');
  const open = document.getElementById('lightbox-open') as HTMLAnchorElement | null;
  if (!dialog || !stage || !title || !open) return;
  let opener: HTMLElement | null = null;

  for (const button of dialog.querySelectorAll<HTMLButtonElement>('[data-close-dialog]')) {
    button.addEventListener('click', () => dialog.close());
  }
  // A click beside the image (on the backdrop or the empty stage) closes it.
  dialog.addEventListener('click', (event) => {
    if (event.target === dialog || event.target === stage) dialog.close();
  });
  dialog.addEventListener('close', () => {
    stage.replaceChildren();
    opener?.focus();
    opener = null;
  });

  list.addEventListener('click', (event) => {
    if (event.button !== 0 || event.ctrlKey || event.metaKey || event.shiftKey || event.altKey) return;
    const link = (event.target as Element).closest<HTMLAnchorElement>('a.msg__image');
    const preview = link?.querySelector('img');
    if (!link || !preview) return;
    event.preventDefault();
    opener = link;
    title.textContent = preview.alt;
    open.href = link.href;
    stage.replaceChildren(h('img', { class: 'lightbox__img', src: link.href, alt: preview.alt }));
    dialog.showModal();
    dialog.querySelector<HTMLButtonElement>('.lightbox__close')?.focus();
  });
}
