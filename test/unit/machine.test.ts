import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseCpuLine } from '../../bench/lib/machine.js';

// Each benchmark line says how busy the machine was and how much CPU the host took away.

test('the machine meter reads busy, stolen and total ticks from /proc/stat', () => {
  //              user nice system idle iowait irq softirq steal guest guest_nice
  const line = 'cpu  100  5    50     800  10     2   3       40    0     0';
  assert.deepEqual(parseCpuLine(line), { busy: 200, steal: 40, total: 1010 });
});
