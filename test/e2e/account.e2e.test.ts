// The account menu: change avatar (a preset, or an own image cropped to a square in the
// browser), change password (errors shown in the dialog), all usable from the keyboard.
import assert from 'node:assert/strict';
import { axeProblems, inPage, makePng, PASSWORD, type Person, suite, waitInPage } from './support.js';

const declared = suite();

if (declared) {
  const { h, e2e } = declared;
  let alice: Person;

  e2e('a preset avatar from the account menu shows at once in the page', async () => {
    alice = await h.person('alice');
    const page = alice.page;
    await page.goto('/');
    await page.getByRole('button', { name: /account menu/ }).click();
    await page.getByRole('button', { name: 'Change avatar' }).click();
    const dialog = page.getByRole('dialog', { name: 'Change avatar' });
    await assert.doesNotReject(dialog.waitFor());
    await dialog.getByRole('radio', { name: 'Robot' }).check();
    await dialog.getByRole('button', { name: 'Save avatar' }).click();
    await assert.doesNotReject(dialog.waitFor({ state: 'hidden' }));
    await assert.doesNotReject(page.getByRole('status').getByText('Your avatar was updated.').waitFor());
    assert.equal(await page.locator('.sidebar .me .avatar').getAttribute('src'), '/avatars/11.svg');
    const me = await (await page.request.get('/api/me')).json();
    assert.equal(me.user.avatar, '/avatars/11.svg');
  });

  e2e('an uploaded avatar is cropped to a centred square PNG in the browser', async () => {
    const page = alice.page;
    await page.getByRole('button', { name: /account menu/ }).click();
    await page.getByRole('button', { name: 'Change avatar' }).click();
    const dialog = page.getByRole('dialog', { name: 'Change avatar' });
    const chooser = page.waitForEvent('filechooser');
    await dialog.getByRole('button', { name: 'Choose an image…' }).click();
    await (await chooser).setFiles({ name: 'me.png', mimeType: 'image/png', buffer: makePng(300, 200) });
    await assert.doesNotReject(dialog.getByText('Selected: me.png').waitFor());
    assert.equal(await dialog.getByRole('radio', { checked: true }).count(), 0);
    await dialog.getByRole('button', { name: 'Save avatar' }).click();
    await assert.doesNotReject(dialog.waitFor({ state: 'hidden' }));
    const avatar = page.locator('.sidebar .me .avatar');
    await assert.doesNotReject(
      (async () => {
        for (let i = 0; i < 100 && !(await avatar.getAttribute('src'))?.startsWith('/uploads/'); i++) {
          await page.waitForTimeout(50);
        }
      })(),
    );
    assert.match((await avatar.getAttribute('src')) ?? '', /^\/uploads\//);
    await avatar.evaluate(inPage('return arg.decode()'));
    assert.deepEqual(
      await avatar.evaluate(inPage('return [arg.naturalWidth, arg.naturalHeight]')),
      [200, 200],
    );
  });

  e2e(
    'changing the password: wrong current password and a too short one are explained in the dialog',
    async () => {
      const page = alice.page;
      // Keyboard only: the menu opens with Enter, arrows move, Enter picks.
      const toggle = page.getByRole('button', { name: /account menu/ });
      await toggle.focus();
      await page.keyboard.press('Enter');
      await page.keyboard.press('ArrowDown');
      await page.keyboard.press('Enter');
      const dialog = page.getByRole('dialog', { name: 'Change password' });
      await assert.doesNotReject(dialog.waitFor());
      assert.deepEqual(await axeProblems(page), [], 'the open dialog passes axe');

      const current = dialog.getByLabel('Current password');
      const next = dialog.getByLabel('New password');
      await current.fill('not my password at all');
      await next.fill('a brand new passphrase 42');
      await dialog.getByRole('button', { name: 'Change password' }).click();
      const alert = dialog.getByRole('alert');
      await assert.doesNotReject(alert.getByText('Your current password is not right.').waitFor());
      assert.equal(await current.getAttribute('aria-invalid'), 'true');

      await current.fill(PASSWORD);
      await next.fill('short');
      await dialog.getByRole('button', { name: 'Change password' }).click();
      await assert.doesNotReject(alert.filter({ hasText: /8/ }).waitFor());
      assert.equal(await next.getAttribute('aria-invalid'), 'true');

      await page.keyboard.press('Escape');
      await assert.doesNotReject(dialog.waitFor({ state: 'hidden' }));
      // Focus goes back to the menu button (on the dialog's close event).
      await assert.doesNotReject(
        waitInPage(page, "return document.activeElement?.matches('.sidebar [data-account-toggle]')", 2000),
      );
    },
  );

  e2e('changing the password works, and the new one logs in', async () => {
    const page = alice.page;
    await page.getByRole('button', { name: /account menu/ }).click();
    await page.getByRole('button', { name: 'Change password' }).click();
    const dialog = page.getByRole('dialog', { name: 'Change password' });
    await dialog.getByLabel('Current password').fill(PASSWORD);
    await dialog.getByLabel('New password').fill('a brand new passphrase 42');
    await dialog.getByRole('button', { name: 'Change password' }).click();
    await assert.doesNotReject(dialog.waitFor({ state: 'hidden' }));
    await assert.doesNotReject(
      page
        .getByRole('status')
        .getByText(/password was changed/)
        .waitFor(),
    );
    const other = await h.newPage('alice elsewhere');
    const login = await other.request.post('/api/login', {
      data: { username: alice.username, password: 'a brand new passphrase 42' },
    });
    assert.equal(login.status(), 200);
    await h.closeContext(other.context());
  });

  e2e('the account menu and the avatar dialog have no serious accessibility problems', async () => {
    const page = alice.page;
    for (const scheme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme: scheme });
      await page.goto('/');
      await page.getByRole('button', { name: /account menu/ }).click();
      assert.deepEqual(await axeProblems(page), [], `${scheme}: menu open`);
      await page.getByRole('button', { name: 'Change avatar' }).click();
      await page.getByRole('dialog', { name: 'Change avatar' }).waitFor();
      assert.deepEqual(await axeProblems(page), [], `${scheme}: avatar dialog open`);
      await page.keyboard.press('Escape');
    }
  });
}
