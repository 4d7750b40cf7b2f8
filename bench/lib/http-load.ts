import { Generator } from './generators.js';
import type { HttpPlan, HttpReport } from './load-types.js';
import type { RunningProcess } from './servers.js';
import { type LatencySummary, round, summarise } from './stats.js';

export interface HttpFigures {
  requests: number;
  ok: number;
  statuses: Record<string, number>;
  errors: number;
  firstError: string | null;
  requestsPerSecond: number | null;
  latencyMs: LatencySummary;
  serverCpuCores: number | null;
  generatorCpuCores: number;
}

/** Runs one closed-loop HTTP load from its own generator process. */
export async function runHttpLoad(
  server: RunningProcess,
  plan: HttpPlan,
  serverCpu: () => number | null,
): Promise<HttpFigures> {
  const generator = new Generator('http-loop', {
    host: '127.0.0.1',
    port: server.port,
    lifetimeMs: plan.durationMs + 60_000,
  });
  try {
    const report = await generator.call<HttpReport>('run', plan, plan.durationMs + 30_000);
    return httpFigures(report, serverCpu());
  } finally {
    await generator.stop();
  }
}

export function httpFigures(report: HttpReport, serverCpuCores: number | null): HttpFigures {
  return {
    requests: report.requests,
    ok: report.ok,
    statuses: report.statuses,
    errors: report.errors,
    firstError: report.firstError,
    requestsPerSecond: round((report.ok * 1000) / report.elapsedMs, 0),
    latencyMs: summarise(report.latenciesMs),
    serverCpuCores: round(serverCpuCores),
    generatorCpuCores: round(report.cpuCores) ?? 0,
  };
}
