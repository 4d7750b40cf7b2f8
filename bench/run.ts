import { appendFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from './lib/args.js';
import { exitWhenDone, killStartedProcesses } from './lib/generators.js';
import { MachineMeter } from './lib/machine.js';
import type { ScenarioContext } from './lib/scenario.js';
import { dropLiveStores, mysqlReachable } from './lib/stores.js';
import { scenarios } from './scenarios/index.js';

// `npm run bench [-- --quick] [--db=sqlite|mysql|both] [--scenario=name]`: runs each
// scenario against Natter and, where it applies, the ceiling server, on a fresh
// database each time; prints one JSON line per scenario and database to stdout and
// appends it to bench/results/<timestamp>.jsonl. Diagnostics go to stderr.

const RESULTS_DIR = path.resolve(import.meta.dirname, '..', '..', 'bench', 'results');

function log(line: string): void {
  console.error(`[bench ${new Date().toISOString().slice(11, 19)}] ${line}`);
}

async function main(): Promise<number> {
  const args = parseArgs(process.argv.slice(2));
  const chosen =
    args.scenarios.length === 0 ? scenarios : scenarios.filter((s) => args.scenarios.includes(s.name));
  const unknown = args.scenarios.filter((name) => !scenarios.some((s) => s.name === name));
  if (unknown.length > 0)
    throw new Error(
      `unknown scenario ${unknown.join(', ')}; have ${scenarios.map((s) => s.name).join(', ')}`,
    );
  if (args.dbs.includes('mysql') && !(await mysqlReachable())) {
    throw new Error(
      '--db=mysql: no MySQL/MariaDB answers at BENCH_MYSQL_URL (default mysql://root@127.0.0.1:3306)',
    );
  }
  mkdirSync(RESULTS_DIR, { recursive: true });
  const file = path.join(RESULTS_DIR, `${new Date().toISOString().replace(/[:.]/g, '-')}.jsonl`);
  log(`results also go to ${path.relative(process.cwd(), file)}`);
  let failures = 0;
  for (const db of args.dbs) {
    for (const scenario of chosen) {
      const ctx: ScenarioContext = {
        db,
        quick: args.quick,
        log: (line) => log(`${scenario.name}/${db}: ${line}`),
      };
      const started = performance.now();
      const machine = new MachineMeter();
      try {
        const result = await scenario.run(ctx);
        const seconds = Math.round((performance.now() - started) / 1000);
        const line = JSON.stringify({ ...result, machine: machine.report(), seconds });
        console.log(line);
        appendFileSync(file, `${line}\n`);
      } catch (err) {
        failures++;
        log(`FAILED: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
        const line = JSON.stringify({ scenario: scenario.name, db, quick: args.quick, error: String(err) });
        console.log(line);
        appendFileSync(file, `${line}\n`);
      }
    }
  }
  return failures === 0 ? 0 : 1;
}

process.on('SIGINT', () => {
  killStartedProcesses();
  const timeout = new Promise((resolve) => setTimeout(resolve, 5_000));
  void Promise.race([dropLiveStores(), timeout]).then(() => process.exit(130));
});
exitWhenDone(main);
