import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';

const ROOT = path.resolve(import.meta.dirname, '../../..');

// Lowest versions that fix the published advisories we know of for what Natter runs on.
const MINIMUM: Record<string, [string, string]> = {
  ws: ['8.17.1', 'CVE-2024-37890: crash on many HTTP headers'],
  multer: ['2.0.2', 'CVE-2025-47935/47944/7338: crashes on malformed multipart'],
  typeorm: ['0.3.26', 'CVE-2025-60542: SQL injection through objects in values (MySQL)'],
  mysql2: ['3.9.8', 'CVE-2024-21511 and others: code injection, prototype pollution'],
  express: ['4.20.0', 'CVE-2024-43796: XSS through redirects'],
  'body-parser': ['1.20.3', 'CVE-2024-45590: denial of service with url-encoding'],
  'path-to-regexp': ['0.1.12', 'CVE-2024-45296/52798: ReDoS in routes'],
  cookie: ['0.7.0', 'CVE-2024-47764: out-of-bounds names in cookies'],
  ejs: ['3.1.10', 'CVE-2024-33883: prototype pollution'],
  bcrypt: ['5.0.0', 'CVE-2020-7689: truncated hashes'],
};

function newer(version: string, minimum: string): boolean {
  const a = version.split('.').map(Number);
  const b = minimum.split('.').map(Number);
  for (let i = 0; i < 3; i++) if (a[i] !== b[i]) return a[i]! > b[i]!;
  return true;
}

/** Every installed copy of a package, nested ones included. */
function installedVersions(
  name: string,
  dir = path.join(ROOT, 'node_modules'),
  found = new Set<string>(),
): string[] {
  if (!existsSync(dir)) return [...found];
  const manifest = path.join(dir, name, 'package.json');
  if (existsSync(manifest))
    found.add((JSON.parse(readFileSync(manifest, 'utf8')) as { version: string }).version);
  for (const entry of readdirSync(dir)) {
    const packages = entry.startsWith('@')
      ? readdirSync(path.join(dir, entry)).map((p) => path.join(entry, p))
      : [entry];
    for (const pkg of packages) installedVersions(name, path.join(dir, pkg, 'node_modules'), found);
  }
  return [...found];
}

describe('dependencies', () => {
  test('known-vulnerable versions of ws, multer, typeorm and the HTTP stack are not installed', () => {
    for (const [name, [minimum, advisory]] of Object.entries(MINIMUM)) {
      const versions = installedVersions(name);
      assert.ok(versions.length > 0, `${name} is installed`);
      for (const version of versions)
        assert.ok(newer(version, minimum), `${name}@${version} < ${minimum} (${advisory})`);
    }
  });
});
