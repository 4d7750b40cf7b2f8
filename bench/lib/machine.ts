import { readFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { round } from './stats.js';

// These machines are shared (other suites may run at the same time, and a virtual
// machine's host may run other guests on its cores), so each result line says how busy
// the whole machine was while the scenario ran, and how much CPU time the host took away
// ("steal": time our cores were ready to run but were not given the CPU).

interface Ticks {
  busy: number;
  steal: number;
  total: number;
}

/**
 * The first line of /proc/stat: `cpu user nice system idle iowait irq softirq steal …`.
 * Busy is everything but idle and iowait, so it includes steal.
 */
export function parseCpuLine(line: string): Ticks {
  const ticks = line.trim().split(/\s+/).slice(1).map(Number);
  const idle = (ticks[3] ?? 0) + (ticks[4] ?? 0);
  const total = ticks.reduce((a, b) => a + b, 0);
  return { busy: total - idle, steal: ticks[7] ?? 0, total };
}

function ticksNow(): Ticks {
  return parseCpuLine(readFileSync('/proc/stat', 'utf8').split('\n')[0]!);
}

/**
 * Milliseconds this machine takes for a fixed piece of JavaScript (serialising and parsing a
 * chat message 20,000 times; the fastest of 5 tries). Machines of the same kind differ from
 * one day to the next: lines with different reference times ran on different hardware.
 */
export function referenceMs(): number {
  const message = {
    type: 'message',
    message: {
      id: 1,
      roomId: 1,
      text: 'a chat message of a usual length',
      from: { id: 2, username: 'someone', avatar: '/avatars/3.svg' },
    },
  };
  let fastest = Number.POSITIVE_INFINITY;
  for (let attempt = 0; attempt < 5; attempt++) {
    const started = performance.now();
    let length = 0;
    for (let i = 0; i < 20_000; i++) length += JSON.parse(JSON.stringify({ ...message, seq: i })).type.length;
    if (length === 0) throw new Error('unreachable: keeps the work from being optimised away');
    fastest = Math.min(fastest, performance.now() - started);
  }
  return Math.round(fastest * 100) / 100;
}

export class MachineMeter {
  // Timed first, so that its own work is not counted as the scenario's.
  private readonly reference = referenceMs();
  private readonly start = ticksNow();
  private readonly loadAtStart = loadavg()[0]!;

  /**
   * The processor and its reference time (taken at construction), and the average busy cores
   * (stolen ones included) and stolen cores of the whole machine since construction.
   */
  report(): {
    cores: number;
    cpuModel: string | null;
    referenceMs: number;
    busyCores: number | null;
    stolenCores: number | null;
    loadavg1AtStart: number | null;
  } {
    const now = ticksNow();
    const cores = cpus().length;
    const elapsed = Math.max(1, now.total - this.start.total);
    const coresOf = (ticks: number) => round((ticks / elapsed) * cores);
    return {
      cores,
      cpuModel: cpus()[0]?.model ?? null,
      referenceMs: this.reference,
      busyCores: coresOf(now.busy - this.start.busy),
      stolenCores: coresOf(now.steal - this.start.steal),
      loadavg1AtStart: round(this.loadAtStart),
    };
  }
}
