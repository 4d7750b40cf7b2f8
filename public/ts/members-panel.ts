// The member list of a room: a column on wide screens (remembered), a sheet elsewhere.

import { byId } from './dom.js';

export function initMembersPanel(): void {
  const shell = byId('shell');
  const toggle = byId<HTMLButtonElement>('members-toggle');
  const close = byId<HTMLButtonElement>('members-close');
  const scrim = byId('scrim');
  const wide = window.matchMedia('(min-width: 1100px)');
  const KEY = 'natter.members';

  const isOpen = () =>
    wide.matches ? !shell.classList.contains('members-closed') : shell.classList.contains('members-open');
  const sync = () => {
    toggle.setAttribute('aria-expanded', String(isOpen()));
    scrim.hidden = wide.matches || !shell.classList.contains('members-open');
  };
  const setOpen = (open: boolean) => {
    if (wide.matches) {
      shell.classList.toggle('members-closed', !open);
      try {
        localStorage.setItem(KEY, open ? 'open' : 'closed');
      } catch {
        // Storage may be unavailable (private mode); the choice just is not remembered.
      }
    } else {
      shell.classList.toggle('members-open', open);
      if (open) close.focus();
    }
    sync();
  };

  try {
    if (localStorage.getItem(KEY) === 'closed') shell.classList.add('members-closed');
  } catch {
    // See above.
  }
  sync();
  wide.addEventListener('change', () => {
    shell.classList.remove('members-open');
    sync();
  });
  toggle.addEventListener('click', () => setOpen(!isOpen()));
  close.addEventListener('click', () => {
    setOpen(false);
    toggle.focus();
  });
  scrim.addEventListener('click', () => setOpen(false));
  document.addEventListener('keydown', (event) => {
    if (event.key === 'Escape' && !wide.matches && shell.classList.contains('members-open')) {
      event.preventDefault();
      setOpen(false);
      toggle.focus();
    }
  });
}
