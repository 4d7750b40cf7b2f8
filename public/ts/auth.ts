// Login and sign-up: the form posts JSON and shows the server's message when it refuses.

import { api } from './api.js';
import { byId } from './dom.js';
import { UnsentStore } from './unsent-store.js';

interface FormFields {
  username: string;
  password: string;
  avatar?: number;
}

function init(): void {
  const form = byId<HTMLFormElement>('auth-form');
  const errorBox = byId('form-error');
  const username = byId<HTMLInputElement>('username');
  const password = byId<HTMLInputElement>('password');
  const submit = form.querySelector<HTMLButtonElement>('button[type="submit"]')!;
  const endpoint = form.dataset.endpoint ?? '/api/login';
  let busy = false;

  const showError = (message: string, field?: HTMLInputElement) => {
    errorBox.textContent = message;
    for (const input of [username, password]) input.removeAttribute('aria-invalid');
    if (field) {
      field.setAttribute('aria-invalid', 'true');
      field.focus();
    }
  };

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    if (busy) return;
    if (username.value.trim() === '') return showError('Enter a username.', username);
    if (password.value === '') return showError('Enter a password.', password);

    const body: FormFields = { username: username.value.trim(), password: password.value };
    const avatar = form.querySelector<HTMLInputElement>('input[name="avatar"]:checked');
    if (avatar) body.avatar = Number(avatar.value);

    busy = true;
    submit.disabled = true;
    submit.setAttribute('aria-busy', 'true');
    errorBox.textContent = '';
    const result = await api<{ user: unknown }>('POST', endpoint, body);
    if (result.ok) {
      location.assign('/');
      return;
    }
    busy = false;
    submit.disabled = false;
    submit.removeAttribute('aria-busy');
    const field =
      result.code === 'USERNAME_TAKEN' || /username/i.test(result.message)
        ? username
        : /password/i.test(result.message) && result.code !== 'INVALID_CREDENTIALS'
          ? password
          : undefined;
    showError(result.message, field);
  });

  for (const input of [username, password]) {
    input.addEventListener('input', () => input.removeAttribute('aria-invalid'));
  }
}

// Whoever sees this page is logged out, so no unsent message is kept for them.
UnsentStore.clearAll();
init();
