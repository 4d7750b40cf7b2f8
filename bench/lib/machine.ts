import { readFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { round } from './stats.js';

// These machines are shared (other suites may run at the same time), so each result line
// says how busy the whole machine was while the scenario ran.

function busyAndTotalTicks(): [number, number] {
  const line = readFileSync('/proc/stat', 'utf8').split('\n')[0]!;
  const ticks = line.trim().split(/\s+/).slice(1).map(Number);
  const idle = (ticks[3] ?? 0) + (ticks[4] ?? 0);
  const total = ticks.reduce((a, b) => a + b, 0);
  return [total - idle, total];
}

export class MachineMeter {
  private readonly start = busyAndTotalTicks();
  private readonly loadAtStart = loadavg()[0]!;

  /** Average busy cores of the whole machine since construction (bench processes included). */
  report(): { cores: number; busyCores: number | null; loadavg1AtStart: number | null } {
    const [busy, total] = busyAndTotalTicks();
    const cores = cpus().length;
    const share = (busy - this.start[0]) / Math.max(1, total - this.start[1]);
    return { cores, busyCores: round(share * cores), loadavg1AtStart: round(this.loadAtStart) };
  }
}
