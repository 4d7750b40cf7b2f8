// The lobby: live room list with online counts and unread badges, the "New room" form, people.

import type { PublicUser, RoomSummary } from '../../src/shared/wire.js';
import { api } from './api.js';
import { Connection } from './connection.js';
import { bootData, byId } from './dom.js';
import { goToLogin, Shell } from './shell.js';
import { StatusBanner } from './status-banner.js';

function initNewRoomForm(): void {
  const form = byId<HTMLFormElement>('new-room-form');
  const input = byId<HTMLInputElement>('new-room');
  const errorBox = byId('new-room-error');
  const submit = form.querySelector<HTMLButtonElement>('button[type="submit"]')!;
  let busy = false;

  const fail = (message: string) => {
    errorBox.textContent = message;
    input.setAttribute('aria-invalid', 'true');
    input.focus();
  };

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    if (busy) return;
    const name = input.value.trim();
    if (name === '') return fail('Give the room a name.');
    busy = true;
    submit.disabled = true;
    submit.setAttribute('aria-busy', 'true');
    errorBox.textContent = '';
    const result = await api<{ room: RoomSummary }>('POST', '/api/rooms', { name });
    if (result.ok) {
      location.assign(`/rooms/${result.data.room.id}`);
      return;
    }
    busy = false;
    submit.disabled = false;
    submit.removeAttribute('aria-busy');
    if (result.status === 401) return goToLogin();
    fail(result.message);
  });
  input.addEventListener('input', () => input.removeAttribute('aria-invalid'));

  // The sidebar's "New room" link points here.
  const focusIfAsked = () => {
    if (location.hash === '#new-room') {
      input.focus();
      input.scrollIntoView({ block: 'center' });
    }
  };
  window.addEventListener('hashchange', focusIfAsked);
  for (const link of document.querySelectorAll('a[href="/#new-room"]')) {
    link.addEventListener('click', () => window.setTimeout(focusIfAsked));
  }
  focusIfAsked();
}

function init(): void {
  const { me } = bootData<{ me: PublicUser }>();
  const shell = new Shell(me);
  initNewRoomForm();
  const banner = new StatusBanner(byId('conn-banner'));
  const connection = new Connection({
    onOpen: (reconnected) => {
      connection.send({ type: 'subscribeLobby' });
      // Badges may have changed while the socket was down.
      if (reconnected) void shell.resync();
    },
    onFrame: (frame) => shell.handle(frame),
    onState: (state) => banner.update(state),
    onLoggedOut: goToLogin,
  });
  connection.start();
}

init();
