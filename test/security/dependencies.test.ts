import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
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

/** Every installed copy of a package (`npm ls` sees nested ones too). */
function installedVersions(name: string): string[] {
  const out = execFileSync('npm', ['ls', name, '--all', '--json'], { cwd: ROOT, encoding: 'utf8' });
  const versions = new Set<string>();
  const walk = (deps: Record<string, { version?: string; dependencies?: object }> | undefined) => {
    for (const [dep, info] of Object.entries(deps ?? {})) {
      if (dep === name && info.version) versions.add(info.version);
      walk(info.dependencies as never);
    }
  };
  walk((JSON.parse(out) as { dependencies?: never }).dependencies);
  return [...versions];
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
