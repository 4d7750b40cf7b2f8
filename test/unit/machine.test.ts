import assert from 'node:assert/strict';
import { cpus } from 'node:os';
import { test } from 'node:test';
import { MachineMeter } from '../../bench/lib/machine.js';

// Each benchmark line says how busy the machine was and how much CPU the host took away.

test('the machine meter reports busy and stolen cores within the core count', () => {
  const meter = new MachineMeter();
  const until = Date.now() + 300;
  while (Date.now() < until) {
    // keep one core busy, so the busy figure has something to count
  }
  const { cores, busyCores, stolenCores } = meter.report();
  assert.equal(cores, cpus().length);
  assert.ok(busyCores !== null && busyCores > 0 && busyCores <= cores, `busy ${busyCores}`);
  assert.ok(stolenCores !== null && stolenCores >= 0 && stolenCores <= busyCores, `stolen ${stolenCores}`);
});
