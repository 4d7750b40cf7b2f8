import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { cleanNewUsername, cleanRoomName, cleanUsername, nameKey } from '../../src/chat/names.js';

describe('usernames', () => {
  test('letters of any script, digits, underscore, dot and dash, 2–32 characters, are accepted', () => {
    for (const name of ['al', 'Zoë', 'Дмитрий', '山田太郎', 'a_b.c-d', 'x'.repeat(32), 'हिन्दी', 'user42']) {
      assert.equal(cleanUsername(name), name.normalize('NFC'), name);
    }
  });

  test('too short, too long, spaces, symbols and control characters are refused', () => {
    for (const name of [
      'a',
      '',
      'x'.repeat(33),
      'a b',
      'a<b',
      'emoji😀',
      'tab\t',
      'nul\u0000',
      'a@b',
      '../x',
    ]) {
      assert.equal(cleanUsername(name), null, JSON.stringify(name));
    }
    for (const name of ['\u3164\u3164', 'ab\u115f']) {
      assert.equal(cleanNewUsername(name), null, `no new account: ${JSON.stringify(name)}`);
      assert.equal(cleanUsername(name), name, 'an account made before that rule still logs in');
    }
  });

  test('names differing only in case or compatibility form share a key', () => {
    assert.equal(nameKey('Alice'), nameKey('aLICE'));
    assert.equal(nameKey('ＡＬＩＣＥ'), nameKey('alice'));
    assert.equal(nameKey('Zoe\u0308'), nameKey('Zoë'));
    assert.notEqual(nameKey('alice'), nameKey('alicf'));
  });
});

describe('room names', () => {
  test('are trimmed and inner white space collapsed', () => {
    assert.equal(cleanRoomName('  Book \n  Club  '), 'Book Club');
    assert.equal(cleanRoomName('🎲 Board games'), '🎲 Board games');
  });

  test('empty, over 64 characters, or with control and invisible characters are refused', () => {
    for (const name of [
      '',
      '   ',
      'x'.repeat(65),
      'a\u0007',
      'zero\u200bwidth',
      'rtl\u202eoverride',
      '\u3164',
      'blank \u2800',
      'half\uffa0width filler',
    ]) {
      assert.equal(cleanRoomName(name), null, JSON.stringify(name));
    }
    assert.equal(cleanRoomName('❤️ Love'), '❤️ Love', 'emoji with a variation selector are fine');
    for (const name of ['🏳️‍🌈 Pride', 'Family 👨‍👩‍👧', '🧑‍💻', 'Dev 👩🏽‍💻']) {
      assert.equal(cleanRoomName(name), name, `joined emoji: ${name}`);
    }
    assert.equal(cleanRoomName('a\u200db'), null, 'a joiner between letters is not an emoji sequence');
    assert.equal(
      cleanRoomName('😀'.repeat(64)),
      '😀'.repeat(64),
      'length counts characters, not UTF-16 units',
    );
  });

  test('a hostile long input is answered quickly (no catastrophic backtracking)', () => {
    const started = performance.now();
    assert.equal(cleanRoomName(`${'a '.repeat(5000)}\u0000`), null);
    assert.equal(cleanUsername(`${'a'.repeat(100_000)}!`), null);
    assert.ok(performance.now() - started < 200);
  });
});
