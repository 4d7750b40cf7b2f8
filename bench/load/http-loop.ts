import { runClosedLoop } from '../lib/closed-loop.js';
import { type GeneratorBase, generatorConfig, serveRunner } from '../lib/ipc.js';
import type { HttpPlan, HttpReport } from '../lib/load-types.js';

// GETs over `connections` keep-alive connections, each asking for the next path as soon
// as the previous answer is in (or, paced, when the next request falls due), until the
// duration or the request budget runs out.

interface HttpLoopConfig extends GeneratorBase {
  host: string;
  port: number;
}

const config = generatorConfig<HttpLoopConfig>();

function pathFor(plan: HttpPlan, n: number): string {
  const template = plan.paths[n % plan.paths.length]!;
  return template.replace('{before}', () => String(1 + Math.floor(Math.random() * plan.maxId)));
}

function run(plan: HttpPlan): Promise<HttpReport> {
  const headers = { Cookie: plan.cookie, Accept: 'text/html,application/json' };
  return runClosedLoop(
    {
      host: config.host,
      port: config.port,
      connections: plan.connections,
      durationMs: plan.durationMs,
      maxRequests: plan.maxRequests,
      ratePerSecond: plan.ratePerSecond,
    },
    (n) => ({ method: 'GET', path: pathFor(plan, n), headers }),
  );
}

serveRunner(config.lifetimeMs, { run });
