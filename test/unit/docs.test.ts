import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import { configSchema } from '../../src/config.js';

const ROOT = path.resolve(import.meta.dirname, '../../..');
const read = (file: string) => readFileSync(path.join(ROOT, file), 'utf8');

describe('documentation of settings', () => {
  for (const file of ['README.md', 'config.example.ts']) {
    test(`every setting is documented in ${file}`, () => {
      const text = read(file);
      for (const name of Object.keys(configSchema.shape))
        assert.ok(text.includes(name), `${name} missing from ${file}`);
    });
  }
});
