import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, test } from 'node:test';
import { ConfigError, parseConfig } from '../../src/config.js';

describe('configuration', () => {
  test('defaults follow the contract: port 8322 on 0.0.0.0, SQLite in ./data, info logs', () => {
    const config = parseConfig({});
    assert.equal(config.PORT, 8322);
    assert.equal(config.HOST, '0.0.0.0');
    assert.equal(config.dataDir, path.resolve('data'));
    assert.equal(config.sqlitePath, path.resolve('data/natter.db'));
    assert.equal(config.DATABASE_URL, undefined);
    assert.equal(config.LOG_LEVEL, 'info');
  });

  test('environment variables win over config.ts, which wins over defaults', () => {
    const config = parseConfig({ PORT: '9000' }, { PORT: 7000, LOG_LEVEL: 'warn' });
    assert.equal(config.PORT, 9000);
    assert.equal(config.LOG_LEVEL, 'warn');
  });

  test('an empty environment variable counts as unset', () => {
    assert.equal(parseConfig({ DATABASE_URL: '' }).DATABASE_URL, undefined);
  });

  test('an invalid value is a ConfigError naming the variable', () => {
    for (const [name, value] of [
      ['PORT', '-1'],
      ['LOG_LEVEL', 'chatty'],
      ['DATABASE_URL', 'sqlite://x'],
      ['SESSION_SECRET', 'too-short'],
      ['TRUST_PROXY', 'a;b'],
    ] as const) {
      assert.throws(
        () => parseConfig({ [name]: value }),
        (err: unknown) => err instanceof ConfigError && err.message.includes(name),
      );
    }
  });

  test('a MySQL DATABASE_URL is accepted', () => {
    const url = 'mysql://natter:secret@127.0.0.1:3306/natter';
    assert.equal(parseConfig({ DATABASE_URL: url }).DATABASE_URL, url);
  });
});
