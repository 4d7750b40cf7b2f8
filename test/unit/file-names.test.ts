import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { cleanFileName, contentDisposition } from '../../src/chat/file-names.js';
import { replaceShortcodes } from '../../src/shared/emoji.js';

describe('uploaded file names', () => {
  test('directories, control, NUL and bidi-override characters are removed', () => {
    assert.equal(cleanFileName('../../etc/passwd'), 'passwd');
    assert.equal(cleanFileName('..\\..\\boot.ini'), 'boot.ini');
    assert.equal(cleanFileName('nul\u0000byte.txt'), 'nulbyte.txt');
    assert.equal(cleanFileName('invoice\u202egpj.exe'), 'invoicegpj.exe');
    assert.equal(cleanFileName('  spaced  .txt '), 'spaced  .txt');
  });

  test('names that would mean a directory or nothing become "file"', () => {
    for (const name of ['', '.', '..', '../', '\u0000', '/']) assert.equal(cleanFileName(name), 'file');
  });

  test('names are cut to 255 characters, counting emoji as one', () => {
    assert.equal([...cleanFileName('😀'.repeat(300))].length, 255);
  });

  test('Content-Disposition carries an ASCII fallback and the exact UTF-8 name', () => {
    assert.equal(
      contentDisposition('attachment', 'a "b"\\ c%.txt'),
      `attachment; filename="a _b__ c_.txt"; filename*=UTF-8''a%20%22b%22%5C%20c%25.txt`,
    );
    assert.equal(
      contentDisposition('inline', 'résumé.png'),
      `inline; filename="r_sum_.png"; filename*=UTF-8''r%C3%A9sum%C3%A9.png`,
    );
  });
});

describe('emoji shortcodes', () => {
  test('known :shortcodes: become emoji; unknown ones and lone colons stay', () => {
    assert.equal(replaceShortcodes(':smile: at 10:30 :nope: :+1::tada:'), '😄 at 10:30 :nope: 👍🎉');
  });

  test('a long run of colons is handled quickly', () => {
    const started = performance.now();
    replaceShortcodes(`${':a'.repeat(50_000)}`);
    assert.ok(performance.now() - started < 200);
  });
});
