import { readFileSync } from 'node:fs';
import net from 'node:net';

const CLOCK_TICKS_PER_SECOND = 100; // getconf CLK_TCK on Linux

/** Resident memory of a process in KiB (VmRSS), or null when it is gone. */
export function rssKb(pid: number): number | null {
  try {
    const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) : null;
  } catch {
    return null;
  }
}

export interface CpuTimes {
  user: number;
  system: number;
}

/** User and system CPU seconds a process has used so far. */
export function cpuSeconds(pid: number): CpuTimes | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the ")" that ends the command name: utime is the 12th, stime the 13th.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return {
      user: Number(fields[11]) / CLOCK_TICKS_PER_SECOND,
      system: Number(fields[12]) / CLOCK_TICKS_PER_SECOND,
    };
  } catch {
    return null;
  }
}

/** Share of one core a process used between two readings. */
export class CpuMeter {
  private readonly startCpu: CpuTimes | null;
  private readonly startAt = performance.now();

  constructor(private readonly pid: number) {
    this.startCpu = cpuSeconds(pid);
  }

  /** Cores used on average since construction (1.0 = one core fully busy), and the kernel's part. */
  cores(): { total: number; system: number; seconds: number } | null {
    const cpu = cpuSeconds(this.pid);
    const elapsed = (performance.now() - this.startAt) / 1000;
    if (cpu === null || this.startCpu === null || elapsed <= 0) return null;
    const seconds = cpu.user - this.startCpu.user + cpu.system - this.startCpu.system;
    return { total: seconds / elapsed, system: (cpu.system - this.startCpu.system) / elapsed, seconds };
  }
}

/** A loopback port that was free a moment ago. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}
