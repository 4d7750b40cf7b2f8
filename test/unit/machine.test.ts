import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseCpuLine, referenceMs } from '../../bench/lib/machine.js';

// Each benchmark line says how busy the machine was and how much CPU the host took away.

test('the machine meter reads busy, stolen and total ticks from /proc/stat', () => {
  //              user nice system idle iowait irq softirq steal guest guest_nice
  const line = 'cpu  100  5    50     800  10     2   3       40    0     0';
  assert.deepEqual(parseCpuLine(line), { busy: 200, steal: 40, total: 1010 });
});

test('the reference time is a positive number of milliseconds, the same order each time', () => {
  const first = referenceMs();
  const second = referenceMs();
  assert.ok(first > 0 && second > 0);
  assert.ok(Math.max(first, second) / Math.min(first, second) < 10, `${first} and ${second} ms`);
});
