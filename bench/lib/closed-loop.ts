import { sleep } from './clock.js';
import { KeepAliveConnection } from './http-keepalive.js';
import type { HttpReport } from './load-types.js';

export interface LoopRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: string;
}

export interface LoopPlan {
  host: string;
  port: number;
  connections: number;
  durationMs: number;
  maxRequests: number;
  /**
   * Paced instead of closed: request n is due at start + n / rate and its latency counts
   * from then, so an answer that comes late also delays (and is charged to) the next.
   */
  ratePerSecond?: number | undefined;
}

/**
 * Closed-loop HTTP load (like autocannon): `connections` keep-alive connections, each
 * sending its next request as soon as the previous answer is in, until the duration or
 * the request budget runs out; or, with `ratePerSecond`, each taking the next request
 * when it falls due. `requestFor(n)` makes the n-th request.
 */
export async function runClosedLoop(
  plan: LoopPlan,
  requestFor: (n: number) => LoopRequest,
): Promise<HttpReport> {
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
  const paced = plan.ratePerSecond;
  const loop = async () => {
    const connection = new KeepAliveConnection(plan.host, plan.port);
    // Paced, every request due before the deadline is sent, however late: the late ones
    // are the slow answers a closed loop would quietly leave out.
    while (report.requests < plan.maxRequests && (paced || performance.now() < deadline)) {
      const n = report.requests;
      const due = paced ? start + (n * 1000) / paced : null;
      if (due !== null && due >= deadline) break;
      report.requests++;
      if (due !== null && due > performance.now()) await sleep(due - performance.now());
      const { method, path, headers, body } = requestFor(n);
      // From when it was due, or from when it went if a timer (good to a millisecond) woke early.
      const t0 = Math.min(due ?? Number.POSITIVE_INFINITY, performance.now());
      try {
        const answer = await connection.request(method, path, headers, body);
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
