import { readFileSync } from 'node:fs';
import { median, round } from './lib/stats.js';

// Medians over several result files of the same kind of run, as a Markdown table:
//   node dist/bench/summarise.js bench/results/a.jsonl bench/results/b.jsonl bench/results/c.jsonl

type Line = Record<string, unknown> & { scenario: string; db: string; error?: string };

/** The figures quoted in docs/performance.md, by scenario: label → path into the JSON line. */
const FIGURES: Record<string, [string, string][]> = {
  connections: [
    ['new authenticated connections/s', 'natter.connectsPerSecond'],
    ['ceiling connections/s', 'ceiling.connectsPerSecond'],
    ['RSS per socket, KB', 'natter.rssPerSocketKb'],
    ['ceiling RSS per socket, KB', 'ceiling.rssPerSocketKb'],
    ['sockets held', 'natter.connected'],
  ],
  fanout: [
    ['delivered msg/s', 'natter.messagesPerSecond'],
    ['deliveries/s', 'natter.deliveriesPerSecond'],
    ['p50 ms', 'natter.latencyMs.p50'],
    ['p99 ms', 'natter.latencyMs.p99'],
    ['p99 ms during the warm-up', 'natter.coldLatencyMs.p99'],
    ['stored / sent (%)', 'natter.storedPercent'],
    ['ceiling msg/s', 'ceiling.messagesPerSecond'],
    ['ceiling p99 ms', 'ceiling.latencyMs.p99'],
    ['throughput ratio', 'ratio.throughput'],
    ['server CPU ms / 1000 msg', 'natter.serverCpuMsPer1000Messages'],
    ['ceiling CPU ms / 1000 msg', 'ceiling.serverCpuMsPer1000Messages'],
  ],
  'small-rooms': [
    ['delivered msg/s', 'natter.messagesPerSecond'],
    ['p50 ms', 'natter.latencyMs.p50'],
    ['p99 ms', 'natter.latencyMs.p99'],
    ['p99 ms during the warm-up', 'natter.coldLatencyMs.p99'],
    ['stored / sent (%)', 'natter.storedPercent'],
    ['ceiling msg/s', 'ceiling.messagesPerSecond'],
    ['ceiling p50 ms', 'ceiling.latencyMs.p50'],
    ['ceiling p99 ms', 'ceiling.latencyMs.p99'],
    ['throughput ratio', 'ratio.throughput'],
    ['server CPU ms / 1000 msg', 'natter.serverCpuMsPer1000Messages'],
    ['ceiling CPU ms / 1000 msg', 'ceiling.serverCpuMsPer1000Messages'],
  ],
  history: [
    ['requests/s', 'natter.requestsPerSecond'],
    ['p50 ms', 'natter.latencyMs.p50'],
    ['p99 ms', 'natter.latencyMs.p99'],
    ['paced requests/s', 'natter.paced.requestsPerSecond'],
    ['paced p50 ms', 'natter.paced.latencyMs.p50'],
    ['paced p99 ms', 'natter.paced.latencyMs.p99'],
    ['same SELECT on the driver, p50 ms', 'ceiling.rawQueryMs.p50'],
    ['same SELECT on the driver, p99 ms', 'ceiling.rawQueryMs.p99'],
  ],
  pages: [
    ['lobby requests/s', 'natter.lobby.requestsPerSecond'],
    ['lobby p99 ms', 'natter.lobby.latencyMs.p99'],
    ['room requests/s', 'natter.room.requestsPerSecond'],
    ['room p99 ms', 'natter.room.latencyMs.p99'],
    ['lobby during chat requests/s', 'natter.lobbyDuringChat.requestsPerSecond'],
    ['lobby during chat p99 ms', 'natter.lobbyDuringChat.latencyMs.p99'],
    ['chat stored msg/s during it', 'natter.lobbyDuringChat.chatMessagesPerSecond'],
    ['ceiling lobby requests/s', 'ceiling.lobby.requestsPerSecond'],
    ['ceiling room requests/s', 'ceiling.room.requestsPerSecond'],
    ['lobby throughput ratio', 'ratio.lobbyThroughput'],
    ['room throughput ratio', 'ratio.roomThroughput'],
    ['pages floor lobby requests/s', 'floor.lobby.requestsPerSecond'],
    ['pages floor room requests/s', 'floor.room.requestsPerSecond'],
    ['lobby ÷ pages floor', 'ratio.lobbyThroughputOfFloor'],
    ['room ÷ pages floor', 'ratio.roomThroughputOfFloor'],
  ],
  login: [
    ['logins/s', 'natter.loginsPerSecond'],
    ['ws p99 ms, probe alone', 'natter.wsLatencyMsAlone.p99'],
    ['ws p99 ms, during logins', 'natter.wsLatencyMsDuringLogins.p99'],
  ],
};

function at(line: Line, dotted: string): number | null {
  if (dotted.endsWith('storedPercent')) {
    const side = at(line, dotted.replace('storedPercent', 'stored'));
    const sent = at(line, dotted.replace('storedPercent', 'sent'));
    return side === null || !sent ? null : round((side / sent) * 100, 1);
  }
  let value: unknown = line;
  for (const key of dotted.split('.')) value = (value as Record<string, unknown> | undefined)?.[key];
  return typeof value === 'number' ? value : null;
}

function main(): void {
  const files = process.argv.slice(2);
  if (files.length === 0) throw new Error('usage: node dist/bench/summarise.js <results.jsonl>…');
  const lines = files.flatMap((file) =>
    readFileSync(file, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((text) => JSON.parse(text) as Line),
  );
  console.log('| scenario | db | figure | median | runs (each) |');
  console.log('|---|---|---|---|---|');
  for (const [scenario, figures] of Object.entries(FIGURES)) {
    for (const db of ['sqlite', 'mysql']) {
      const runs = lines.filter((l) => l.scenario === scenario && l.db === db && !l.error);
      if (runs.length === 0) continue;
      for (const [label, path] of [
        ...figures,
        ['machine busy cores of 2 (all processes)', 'machine.busyCores'] as const,
        ['cores taken by the host (steal)', 'machine.stolenCores'] as const,
        ['reference JavaScript ms (lower: faster machine)', 'machine.referenceMs'] as const,
      ]) {
        const values = runs.map((l) => at(l, path));
        const present = values.filter((v): v is number => v !== null);
        console.log(
          `| ${scenario} | ${db} | ${label} | ${median(present) ?? '–'} | ${values.map((v) => v ?? '–').join(', ')} |`,
        );
      }
    }
  }
}

main();
