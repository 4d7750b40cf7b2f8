import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import ejs from 'ejs';
import { CompiledTemplate } from '../../src/http/compiled-template.js';
import { escapeHtml } from '../../src/http/escape-html.js';
import { compileViews, MAX_KEPT_HTML } from '../../src/http/views.js';

const VIEWS = path.resolve(import.meta.dirname, '../../../views');

function templates(): string[] {
  return readdirSync(VIEWS, { recursive: true, encoding: 'utf8' }).filter((name) => name.endsWith('.ejs'));
}

describe('views', () => {
  test('templates are ASCII (other characters as entities), so pages stay one-byte strings', () => {
    for (const name of templates()) {
      const offending = readFileSync(path.join(VIEWS, name), 'utf8').match(/[^\t\n\r -~]/);
      assert.equal(offending, null, `${name} contains ${offending?.[0]}; write it as an HTML entity`);
    }
  });

  test('templates call partials with partial(), never EJS include()', () => {
    for (const name of templates()) {
      assert.doesNotMatch(readFileSync(path.join(VIEWS, name), 'utf8'), /\binclude\(/, name);
    }
  });

  test('a partial gets exactly the data it is given, and can call other partials', () => {
    const { partial } = compileViews(VIEWS);
    const html = partial('person', {
      person: { id: 7, username: '<b>eve</b>', avatar: '/avatars/2.svg', online: true },
      current: false,
      unread: 120,
    });
    assert.match(html, /href="\/dm\/7"/);
    assert.match(html, /&lt;b&gt;eve&lt;\/b&gt;/);
    assert.match(html, /data-unread-for="d:7" data-unread="120">99\+/);
    assert.throws(() => partial('no-such-partial'), /No partial named "no-such-partial"/);
  });

  test('partialOnce renders a partial once for each key object, and again for a new one', () => {
    const { partial, partialOnce } = compileViews(VIEWS);
    const person = (username: string) => ({
      person: { id: 7, username, avatar: '/avatars/2.svg', online: false },
      current: false,
      unread: 0,
    });
    const kept = Object.freeze({});
    const first = partialOnce(kept, 'person', person('first'));
    assert.equal(first, partial('person', person('first')));
    // The same key: the HTML already made, whatever the data (a kept page never changes).
    assert.equal(partialOnce(kept, 'person', person('second')), first);
    // Another key, or another partial for the same key: rendered afresh.
    assert.match(partialOnce({}, 'person', person('second')), /second/);
    assert.match(partialOnce(kept, 'badge', { key: 'r:1', count: 3 }), /data-unread="3"/);
    // HTML past the limit is not kept: rendered again, from the data given.
    const long = Object.freeze({});
    const huge = 'x'.repeat(MAX_KEPT_HTML);
    assert.match(partialOnce(long, 'person', person(`${huge}1`)), /x1</);
    assert.match(partialOnce(long, 'person', person(`${huge}2`)), /x2</);
  });

  test('a compiled template renders as EJS does, whatever locals it is given', () => {
    const source = '<% const doubled = n * 2; %><%= label %>: <%= doubled %><%= locals.extra ?? "" %>';
    const template = new CompiledTemplate(source, 'inline.ejs');
    const reference = ejs.compile(source);
    // The same shape again and again (as a partial in a loop renders), shapes in turn,
    // a local named like one of the template's variables, and more shapes than are
    // compiled (past 16 the generic form serves).
    const many = Array.from({ length: 20 }, (_, i) => ({ n: i, label: `l${i}`, [`k${i}`]: i }));
    for (const locals of [
      { n: 1, label: 'a<b' },
      { n: 2, label: 'c&d' },
      { label: 'x', n: 2 },
      { n: 3, label: 'y', extra: '!' },
      { n: 5, label: 'a<b' },
      { n: 4, label: 'z', doubled: 'a local named like a variable of the template' },
      ...many,
      ...many,
    ]) {
      assert.equal(template.render({ ...locals }), reference({ ...locals }), JSON.stringify(locals));
    }
  });

  test('the lobby lists each person alike in the sidebar and under People; a conversation page marks its peer', () => {
    const { engine, partial } = compileViews(VIEWS);
    const me = { id: 1, username: 'me', avatar: '/avatars/1.svg' };
    const people = [
      { id: 2, username: 'ann', avatar: '/avatars/2.svg', online: true },
      { id: 3, username: 'bo<b>', avatar: '/avatars/3.svg', online: false },
    ];
    const unread = { rooms: [], dms: [{ userId: 3, unread: 4, lastReadId: 0 }] };
    let lobby = '';
    engine(
      path.join(VIEWS, 'lobby.ejs'),
      { title: 'Lobby', me, rooms: [], people, unread, avatars: [], active: null },
      (err, html) => {
        assert.ifError(err);
        lobby = html!;
      },
    );
    for (const person of people) {
      const item = partial('person', { person, current: false, unread: person.id === 3 ? 4 : 0 });
      assert.equal(
        lobby.split(item.trim()).length - 1,
        2,
        `${person.username}: in the sidebar and under People`,
      );
    }
    assert.match(lobby, /data-unread-for="d:3" data-unread="4">4</);
    assert.doesNotMatch(lobby, /aria-current/);

    const sidebar = partial('sidebar', { rooms: [], people, unread, active: { kind: 'dm', id: 3 }, me });
    assert.match(sidebar, /href="\/dm\/3" data-user-id="3" aria-current="page"/);
    assert.match(sidebar, /data-unread-for="d:3" data-unread="0" hidden>/, 'the open conversation is read');
    assert.match(sidebar, /href="\/dm\/2" data-user-id="2">/);
  });

  test('escaping writes what EJS writes', () => {
    for (const value of ['plain', `<a href="x">'&'</a>`, 42, 0, null, undefined, true, '', 'é & ü']) {
      assert.equal(escapeHtml(value), ejs.escapeXML(value as string), String(value));
    }
  });
});
