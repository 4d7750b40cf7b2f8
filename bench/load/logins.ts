import { KeepAliveConnection } from '../lib/http-keepalive.js';
import { type GeneratorBase, generatorConfig, serveRunner } from '../lib/ipc.js';
import type { HttpReport } from '../lib/load-types.js';

// Logins in a closed loop: `concurrency` connections each posting the next login as soon
// as the previous one is answered. Each login costs the server one bcrypt compare.

interface LoginsConfig extends GeneratorBase {
  host: string;
  port: number;
}

interface LoginPlan {
  usernames: string[];
  password: string;
  concurrency: number;
  durationMs: number;
  maxLogins: number;
}

const config = generatorConfig<LoginsConfig>();

async function run(plan: LoginPlan): Promise<HttpReport> {
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
  const loop = async () => {
    const connection = new KeepAliveConnection(config.host, config.port);
    while (report.requests < plan.maxLogins && performance.now() < deadline) {
      const n = report.requests++;
      const body = JSON.stringify({
        username: plan.usernames[n % plan.usernames.length],
        password: plan.password,
      });
      const t0 = performance.now();
      try {
        const answer = await connection.request(
          'POST',
          '/api/login',
          { 'Content-Type': 'application/json' },
          body,
        );
        report.latenciesMs.push(Math.round((performance.now() - t0) * 1000) / 1000);
        report.statuses[answer.status] = (report.statuses[answer.status] ?? 0) + 1;
        if (answer.status === 200) report.ok++;
      } catch (err) {
        report.errors++;
        report.firstError ??= err instanceof Error ? err.message : String(err);
      }
    }
    connection.close();
  };
  await Promise.all(Array.from({ length: plan.concurrency }, loop));
  report.elapsedMs = performance.now() - start;
  const used = process.cpuUsage(cpu);
  report.cpuCores = (used.user + used.system) / 1000 / report.elapsedMs;
  return report;
}

serveRunner(config.lifetimeMs, { run });
