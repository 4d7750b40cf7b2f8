import type { DbKind } from './stores.js';

export interface BenchArgs {
  quick: boolean;
  dbs: DbKind[];
  /** Scenario names to run; empty means all. */
  scenarios: string[];
}

const USAGE = 'usage: npm run bench -- [--quick] [--db=sqlite|mysql|both] [--scenario=name[,name…]]';

export function parseArgs(argv: string[]): BenchArgs {
  const args: BenchArgs = { quick: false, dbs: ['sqlite'], scenarios: [] };
  for (const arg of argv) {
    const [flag, value = ''] = arg.split('=', 2) as [string, string?];
    if (flag === '--quick') args.quick = true;
    else if (flag === '--db') args.dbs = parseDbs(value);
    else if (flag === '--scenario') args.scenarios = value.split(',').filter(Boolean);
    else throw new Error(`unknown argument ${arg}\n${USAGE}`);
  }
  return args;
}

function parseDbs(value: string): DbKind[] {
  if (value === 'both' || value === 'all') return ['sqlite', 'mysql'];
  const kinds = value.split(',').filter(Boolean);
  for (const kind of kinds)
    if (kind !== 'sqlite' && kind !== 'mysql') throw new Error(`unknown --db ${kind}\n${USAGE}`);
  if (kinds.length === 0) throw new Error(`--db needs a value\n${USAGE}`);
  return kinds as DbKind[];
}
