import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { DataSource } from 'typeorm';
import { supportsInsertReturning } from '../../src/db/dialect.js';

/** Just enough of a DataSource: its type, and what `SELECT VERSION()` answers. */
function fakeDatabase(type: 'mysql' | 'better-sqlite3', version = ''): DataSource {
  return { options: { type }, query: async () => [{ version }] } as unknown as DataSource;
}

test('INSERT … RETURNING is used on SQLite and on MariaDB 10.5 and later, never on MySQL', async () => {
  const cases: [DataSource, boolean][] = [
    [fakeDatabase('better-sqlite3'), true],
    [fakeDatabase('mysql', '10.11.19-MariaDB-0+deb12u1'), true],
    [fakeDatabase('mysql', '10.5.0-MariaDB'), true],
    [fakeDatabase('mysql', '11.4.2-MariaDB-log'), true],
    [fakeDatabase('mysql', '10.4.32-MariaDB'), false],
    [fakeDatabase('mysql', '8.0.36'), false],
    [fakeDatabase('mysql', '8.4.0-commercial'), false],
  ];
  for (const [db, expected] of cases) assert.equal(await supportsInsertReturning(db), expected);
});
