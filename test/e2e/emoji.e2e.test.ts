// Emoji: the picker (mouse and keyboard), the `:shortcode` autocomplete, and shortcodes the
// server turns into emoji. The picker's data is src/shared/emoji.ts, served to the browser.
import assert from 'node:assert/strict';
import { axeProblems, confirmed, openRoom, type Person, suite, waitInPage } from './support.js';

const declared = suite();

if (declared) {
  const { h, e2e } = declared;
  let alice: Person;
  let bob: Person;

  e2e('the emoji picker inserts at the caret, and the emoji arrives for the other person', async () => {
    alice = await h.person('alice');
    bob = await h.person('bob');
    // The picker imports src/shared/emoji.ts, which the server serves next to /js/.
    assert.equal((await alice.page.request.get('/src/shared/emoji.js')).status(), 200);
    const { rooms } = await (await alice.page.request.get('/api/rooms')).json();
    const general = rooms.find((r: { name: string }) => r.name === 'General').id;
    await openRoom(alice.page, general);
    await openRoom(bob.page, general);

    const box = alice.page.getByRole('textbox', { name: 'Message' });
    await box.fill('Great news  for everyone');
    // The caret between the two spaces.
    await box.press('End');
    for (let i = 0; i < ' for everyone'.length; i++) await box.press('ArrowLeft');
    await alice.page.getByRole('button', { name: 'Emoji' }).click();
    const picker = alice.page.getByRole('dialog', { name: 'Choose an emoji' });
    await assert.doesNotReject(picker.waitFor());
    assert.equal(await picker.getByRole('tab', { name: 'Smileys' }).getAttribute('aria-selected'), 'true');
    assert.deepEqual(await axeProblems(alice.page), [], 'the open picker passes axe');
    await picker.getByRole('tab', { name: 'Food & drink' }).click();
    await picker.getByRole('button', { name: '🍕' }).click();
    await assert.doesNotReject(picker.waitFor({ state: 'hidden' }));
    assert.equal(await box.inputValue(), 'Great news 🍕 for everyone');
    await box.press('Enter');
    await assert.doesNotReject(confirmed(bob.page, 'Great news 🍕 for everyone').waitFor());
  });

  e2e('the picker works from the keyboard: arrows move, Enter inserts, Esc closes', async () => {
    const page = alice.page;
    const button = page.getByRole('button', { name: 'Emoji' });
    const box = page.getByRole('textbox', { name: 'Message' });
    await box.fill('Hi ');
    await button.focus();
    await page.keyboard.press('Enter');
    const picker = page.getByRole('dialog', { name: 'Choose an emoji' });
    await assert.doesNotReject(picker.waitFor());
    // Focus starts on an emoji of the last category used; → moves to the next one.
    const emojis = picker.locator('.emoji-picker__emoji');
    const focused = () => page.evaluate(() => (globalThis as any).document.activeElement.textContent);
    assert.equal(await focused(), await emojis.nth(0).textContent());
    await page.keyboard.press('ArrowRight');
    assert.equal(await focused(), await emojis.nth(1).textContent());
    // ↑ from the first row goes to the tabs; Home, then → picks People; ↓ goes back into the grid.
    await page.keyboard.press('ArrowUp');
    await page.keyboard.press('Home');
    await page.keyboard.press('ArrowRight');
    assert.equal(await picker.getByRole('tab', { name: 'People' }).getAttribute('aria-selected'), 'true');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Enter');
    assert.equal(await box.inputValue(), 'Hi 👋');
    assert.equal(await picker.isHidden(), true);

    await button.focus();
    await page.keyboard.press('Enter');
    await assert.doesNotReject(picker.waitFor());
    await page.keyboard.press('Escape');
    await assert.doesNotReject(picker.waitFor({ state: 'hidden' }));
    await assert.doesNotReject(
      waitInPage(page, "return document.activeElement?.id === 'emoji-button'", 2000),
    );
    await box.press('Enter');
    await assert.doesNotReject(confirmed(bob.page, 'Hi 👋').waitFor());
  });

  e2e('typing :tad offers :tada:, Enter takes it; typed shortcodes become emoji on send', async () => {
    const page = alice.page;
    const box = page.getByRole('textbox', { name: 'Message' });
    await box.fill('');
    await box.pressSequentially('We shipped :tad');
    const option = page
      .getByRole('listbox', { name: 'Emoji shortcodes' })
      .getByRole('option', { name: /:tada:/ });
    await assert.doesNotReject(option.waitFor());
    await box.press('Enter');
    assert.equal(await box.inputValue(), 'We shipped 🎉');
    await box.pressSequentially(' and :rocket: too');
    await box.press('Escape');
    await box.press('Enter');
    await assert.doesNotReject(confirmed(bob.page, 'We shipped 🎉 and 🚀 too').waitFor());
  });
}
