// Runs the compiled test suites with node's test runner: unit, integration and security
// on SQLite, the database-dependent ones again on MySQL/MariaDB when TEST_DATABASE_URL is
// set, then the browser suite. In CI a suite that cannot run is a failure, never a skip.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
const dist = path.join(root, 'dist/test');

function testFiles(dir) {
  const full = path.join(dist, dir);
  if (!existsSync(full)) return [];
  return readdirSync(full, { recursive: true })
    .filter((name) => name.endsWith('.test.js'))
    .map((name) => path.join(full, name))
    .sort();
}

function run(label, files, env = {}) {
  if (files.length === 0) return true;
  console.log(`\n# ${label}: ${files.length} file(s)`);
  const result = spawnSync(process.execPath, ['--test', '--test-concurrency=1', ...files], {
    stdio: 'inherit',
    env: { ...process.env, ...env },
  });
  return result.status === 0;
}

const dbSuites = [...testFiles('integration'), ...testFiles('security')];
const passes = [];
passes.push(run('unit', testFiles('unit')));
passes.push(run('integration on SQLite', dbSuites, { NATTER_TEST_DIALECT: 'sqlite' }));
if (process.env.TEST_DATABASE_URL) {
  passes.push(run('integration on MySQL/MariaDB', dbSuites, { NATTER_TEST_DIALECT: 'mysql' }));
} else if (process.env.CI) {
  console.error('FAIL: TEST_DATABASE_URL is not set in CI; the MySQL/MariaDB pass cannot run.');
  passes.push(false);
} else {
  console.log(
    'SKIPPED: integration on MySQL/MariaDB (set TEST_DATABASE_URL=mysql://root@127.0.0.1:3306 to run it)',
  );
}
passes.push(run('browser e2e', testFiles('e2e')));

process.exit(passes.every(Boolean) ? 0 : 1);
