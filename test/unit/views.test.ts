import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import ejs from 'ejs';
import { CompiledTemplate } from '../../src/http/compiled-template.js';
import { escapeHtml } from '../../src/http/escape-html.js';
import { compileViews } from '../../src/http/views.js';

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

  test('escaping writes what EJS writes', () => {
    for (const value of ['plain', `<a href="x">'&'</a>`, 42, 0, null, undefined, true, '', 'é & ü']) {
      assert.equal(escapeHtml(value), ejs.escapeXML(value as string), String(value));
    }
  });
});
