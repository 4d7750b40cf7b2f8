import { KeepAliveConnection } from '../lib/http-keepalive.js';
import { type GeneratorBase, generatorConfig, serveRunner } from '../lib/ipc.js';
import type { HttpPlan, HttpReport } from '../lib/load-types.js';

// Closed-loop HTTP load (like autocannon): `connections` keep-alive connections, each
// sending its next GET as soon as the previous answer is in, until the duration or the
// request budget runs out.

interface HttpLoopConfig extends GeneratorBase {
  host: string;
  port: number;
}

const config = generatorConfig<HttpLoopConfig>();

function pathFor(plan: HttpPlan, n: number): string {
  const template = plan.paths[n % plan.paths.length]!;
  return template.replace('{before}', () => String(1 + Math.floor(Math.random() * plan.maxId)));
}

async function run(plan: HttpPlan): Promise<HttpReport> {
  const cpu = process.cpuUsage();
  const report: HttpReport = {
    requests: 0,
    ok: 0,
    statuses: {},
    errors: 0,
    firstError: null,
    elapsedMs: 0,
    latenciesMs: [],
    bytes: 0,
    cpuCores: 0,
  };
  const start = performance.now();
  const deadline = start + plan.durationMs;
  const headers = { Cookie: plan.cookie, Accept: 'text/html,application/json' };
  const loop = async () => {
    const connection = new KeepAliveConnection(config.host, config.port);
    while (report.requests < plan.maxRequests && performance.now() < deadline) {
      const n = report.requests++;
      const t0 = performance.now();
      try {
        const answer = await connection.request('GET', pathFor(plan, n), headers);
        report.latenciesMs.push(Math.round((performance.now() - t0) * 1000) / 1000);
        report.statuses[answer.status] = (report.statuses[answer.status] ?? 0) + 1;
        report.bytes += answer.bytes;
        if (answer.status === 200) report.ok++;
      } catch (err) {
        report.errors++;
        report.firstError ??= err instanceof Error ? err.message : String(err);
      }
    }
    connection.close();
  };
  await Promise.all(Array.from({ length: plan.connections }, loop));
  report.elapsedMs = performance.now() - start;
  const used = process.cpuUsage(cpu);
  report.cpuCores = (used.user + used.system) / 1000 / report.elapsedMs;
  return report;
}

serveRunner(config.lifetimeMs, { run });
