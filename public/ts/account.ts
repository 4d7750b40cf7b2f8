// The account menu of the signed-in user: change avatar (a preset, or an image of one's own
// cropped to a centred square in a canvas), change password, and desktop notifications.

import type { PublicUser } from '../../src/shared/wire.js';
import { api } from './api.js';
import { desktopSupported, type Notifier } from './notifier.js';
import { uploadFile } from './upload.js';

const AVATAR_MAX = 512;

/** Opens a modal <dialog>; focus goes back to `returnTo` when it closes. */
export function openDialog(dialog: HTMLDialogElement, returnTo: HTMLElement | null): void {
  if (dialog.open) return;
  dialog.showModal();
  dialog.addEventListener('close', () => returnTo?.focus(), { once: true });
}

/** Buttons marked data-close-dialog close their dialog; so does a click on the backdrop. */
function initDialogChrome(dialog: HTMLDialogElement): void {
  for (const button of dialog.querySelectorAll<HTMLButtonElement>('[data-close-dialog]')) {
    button.addEventListener('click', () => dialog.close());
  }
  dialog.addEventListener('click', (event) => {
    if (event.target === dialog) dialog.close();
  });
}

function setBusy(form: HTMLFormElement, busy: boolean): void {
  const submit = form.querySelector<HTMLButtonElement>('button[type="submit"]');
  if (!submit) return;
  submit.disabled = busy;
  if (busy) submit.setAttribute('aria-busy', 'true');
  else submit.removeAttribute('aria-busy');
}

/** Shows the new avatar everywhere on the page that shows mine. */
function applyAvatar(me: PublicUser, url: string): void {
  me.avatar = url;
  for (const img of document.querySelectorAll<HTMLImageElement>('img[data-my-avatar]')) img.src = url;
  for (const img of document.querySelectorAll<HTMLImageElement>(
    `.msg[data-user-id="${me.id}"] .msg__avatar, .person-item .person:not([href]) .avatar`,
  )) {
    img.src = url;
  }
}

export function initAccount(me: PublicUser, notifier: Notifier): void {
  const menus = [...document.querySelectorAll<HTMLElement>('[data-account]')];
  if (menus.length === 0) return;
  const avatar = initAvatarDialog(me, notifier);
  const password = initPasswordDialog(notifier);

  for (const root of menus) {
    const toggle = root.querySelector<HTMLButtonElement>('[data-account-toggle]');
    const menu = root.querySelector<HTMLElement>('.account-menu');
    if (!toggle || !menu) continue;
    const setOpen = (open: boolean) => {
      menu.hidden = !open;
      toggle.setAttribute('aria-expanded', String(open));
    };
    toggle.addEventListener('click', () => {
      const open = Boolean(menu.hidden);
      setOpen(open);
      if (open) menu.querySelector<HTMLButtonElement>('button:not([hidden])')?.focus();
    });
    root.addEventListener('keydown', (event) => {
      if (event.key === 'Escape' && !menu.hidden) {
        event.preventDefault();
        setOpen(false);
        toggle.focus();
      }
      if ((event.key === 'ArrowDown' || event.key === 'ArrowUp') && menu.contains(document.activeElement)) {
        event.preventDefault();
        const items = [...menu.querySelectorAll<HTMLButtonElement>('button:not([hidden])')];
        const at = items.indexOf(document.activeElement as HTMLButtonElement);
        const next = items[(at + (event.key === 'ArrowDown' ? 1 : items.length - 1)) % items.length];
        next?.focus();
      }
    });
    root.addEventListener('focusout', (event) => {
      if (!root.contains(event.relatedTarget as Node | null)) setOpen(false);
    });
    document.addEventListener('click', (event) => {
      if (!menu.hidden && !root.contains(event.target as Node)) setOpen(false);
    });

    menu.querySelector('[data-action="change-avatar"]')?.addEventListener('click', () => {
      setOpen(false);
      if (avatar) avatar.open(toggle);
    });
    menu.querySelector('[data-action="change-password"]')?.addEventListener('click', () => {
      setOpen(false);
      if (password) password.open(toggle);
    });
    const notify = menu.querySelector<HTMLButtonElement>('[data-action="enable-notifications"]');
    if (notify) initNotificationItem(notify, notifier);
  }
}

/** "Enable desktop notifications": the only place permission is asked for, on a click. */
function initNotificationItem(button: HTMLButtonElement, notifier: Notifier): void {
  if (!desktopSupported()) return;
  const label = button.querySelector<HTMLElement>('[data-notification-label]') ?? button;
  const render = () => {
    const permission = Notification.permission;
    label.textContent =
      permission === 'granted'
        ? 'Desktop notifications are on'
        : permission === 'denied'
          ? 'Desktop notifications are blocked in this browser'
          : 'Enable desktop notifications';
    if (permission === 'default') button.removeAttribute('aria-disabled');
    else button.setAttribute('aria-disabled', 'true');
  };
  button.hidden = false;
  render();
  button.addEventListener('click', async () => {
    if (Notification.permission !== 'default') return;
    const answer = await Notification.requestPermission();
    for (const other of document.querySelectorAll<HTMLButtonElement>(
      '[data-action="enable-notifications"]',
    )) {
      const otherLabel = other.querySelector('[data-notification-label]');
      if (other !== button && otherLabel) otherLabel.textContent = label.textContent;
    }
    render();
    if (answer === 'granted') notifier.note('Desktop notifications are on for this browser.');
  });
}

interface DialogHandle {
  open(returnTo: HTMLElement): void;
}

function initAvatarDialog(me: PublicUser, notifier: Notifier): DialogHandle | null {
  const dialog = document.getElementById('avatar-dialog') as HTMLDialogElement | null;
  const form = document.getElementById('avatar-form') as HTMLFormElement | null;
  const fileInput = document.getElementById('avatar-file') as HTMLInputElement | null;
  const fileButton = document.getElementById('avatar-file-button');
  const preview = document.getElementById('avatar-preview') as HTMLCanvasElement | null;
  const fileName = document.getElementById('avatar-file-name');
  const errorBox = document.getElementById('avatar-error');
  if (!dialog || !form || !fileInput || !fileButton || !preview || !fileName || !errorBox) return null;
  initDialogChrome(dialog);
  const radios = () => [...form.querySelectorAll<HTMLInputElement>('input[name="avatar"]')];
  let cropped: Blob | null = null;
  let busy = false;

  const clearFile = () => {
    cropped = null;
    fileInput.value = '';
    preview.hidden = true;
    fileName.textContent = '';
  };

  fileButton.addEventListener('click', () => fileInput.click());
  for (const radio of radios()) radio.addEventListener('change', clearFile);
  fileInput.addEventListener('change', async () => {
    const file = fileInput.files?.[0];
    if (!file) return;
    errorBox.textContent = '';
    try {
      cropped = await cropSquare(file, preview);
    } catch {
      clearFile();
      errorBox.textContent = 'That file is not an image this browser can read. Try a PNG or JPEG.';
      return;
    }
    for (const radio of radios()) radio.checked = false;
    preview.hidden = false;
    fileName.textContent = `Selected: ${file.name}`;
  });

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    if (busy) return;
    const preset = radios().find((r) => r.checked);
    if (!cropped && !preset) {
      errorBox.textContent = 'Pick a picture, or choose an image of your own.';
      return;
    }
    busy = true;
    setBusy(form, true);
    errorBox.textContent = '';
    const result = cropped
      ? await uploadFile<{ user: PublicUser }>('/api/me/avatar', cropped, 'avatar.png', () => {}).result
      : await api<{ user: PublicUser }>('PUT', '/api/me/avatar', { preset: Number(preset?.value) });
    busy = false;
    setBusy(form, false);
    if (!result.ok) {
      if (result.code === 'UNAUTHENTICATED') return location.assign('/login');
      errorBox.textContent = result.message;
      return;
    }
    applyAvatar(me, result.data.user.avatar);
    dialog.close();
    notifier.note('Your avatar was updated.');
  });

  return {
    open(returnTo) {
      clearFile();
      errorBox.textContent = '';
      const current = /^\/avatars\/(\d{1,2})\.svg$/.exec(me.avatar)?.[1];
      for (const radio of radios()) radio.checked = radio.value === current;
      openDialog(dialog, returnTo);
      (radios().find((r) => r.checked) ?? radios()[0])?.focus();
    },
  };
}

/** Draws the centred square of an image into a PNG of at most 512×512, and a preview. */
async function cropSquare(file: File, preview: HTMLCanvasElement): Promise<Blob> {
  const url = URL.createObjectURL(file);
  try {
    const img = new Image();
    img.src = url;
    await img.decode();
    const side = Math.min(img.naturalWidth, img.naturalHeight);
    if (side < 1) throw new Error('empty image');
    const sx = (img.naturalWidth - side) / 2;
    const sy = (img.naturalHeight - side) / 2;
    const out = Math.min(side, AVATAR_MAX);
    const canvas = document.createElement('canvas');
    canvas.width = out;
    canvas.height = out;
    canvas.getContext('2d')?.drawImage(img, sx, sy, side, side, 0, 0, out, out);
    const small = preview.getContext('2d');
    small?.clearRect(0, 0, preview.width, preview.height);
    small?.drawImage(canvas, 0, 0, preview.width, preview.height);
    return await new Promise<Blob>((resolve, reject) =>
      canvas.toBlob((blob) => (blob ? resolve(blob) : reject(new Error('no PNG'))), 'image/png'),
    );
  } finally {
    URL.revokeObjectURL(url);
  }
}

function initPasswordDialog(notifier: Notifier): DialogHandle | null {
  const dialog = document.getElementById('password-dialog') as HTMLDialogElement | null;
  const form = document.getElementById('password-form') as HTMLFormElement | null;
  const current = document.getElementById('current-password') as HTMLInputElement | null;
  const next = document.getElementById('new-password') as HTMLInputElement | null;
  const errorBox = document.getElementById('password-error');
  if (!dialog || !form || !current || !next || !errorBox) return null;
  initDialogChrome(dialog);
  let busy = false;

  const fail = (message: string, field?: HTMLInputElement) => {
    errorBox.textContent = message;
    for (const input of [current, next]) input.removeAttribute('aria-invalid');
    if (field) {
      field.setAttribute('aria-invalid', 'true');
      field.focus();
    }
  };
  for (const input of [current, next]) {
    input.addEventListener('input', () => input.removeAttribute('aria-invalid'));
  }

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    if (busy) return;
    if (current.value === '') return fail('Enter your current password.', current);
    if (next.value === '') return fail('Enter a new password.', next);
    busy = true;
    setBusy(form, true);
    errorBox.textContent = '';
    const result = await api('POST', '/api/me/password', {
      currentPassword: current.value,
      newPassword: next.value,
    });
    busy = false;
    setBusy(form, false);
    if (result.ok) {
      dialog.close();
      notifier.note('Your password was changed. Your other devices were logged out.');
      return;
    }
    if (result.code === 'UNAUTHENTICATED') return location.assign('/login');
    if (result.code === 'INVALID_CREDENTIALS') return fail(result.message, current);
    if (result.status === 429) {
      const minutes = result.retryAfterSeconds ? Math.ceil(result.retryAfterSeconds / 60) : 0;
      return fail(
        minutes > 0
          ? `Too many attempts. Try again in ${minutes} minute${minutes === 1 ? '' : 's'}.`
          : 'Too many attempts. Try again later.',
      );
    }
    fail(result.message, result.code === 'VALIDATION' ? next : undefined);
  });
  dialog.addEventListener('close', () => {
    form.reset();
    errorBox.textContent = '';
    for (const input of [current, next]) input.removeAttribute('aria-invalid');
  });

  return {
    open(returnTo) {
      openDialog(dialog, returnTo);
      current.focus();
    },
  };
}
