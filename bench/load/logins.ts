import { runClosedLoop } from '../lib/closed-loop.js';
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

function run(plan: LoginPlan): Promise<HttpReport> {
  return runClosedLoop(
    {
      host: config.host,
      port: config.port,
      connections: plan.concurrency,
      durationMs: plan.durationMs,
      maxRequests: plan.maxLogins,
    },
    (n) => ({
      method: 'POST',
      path: '/api/login',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ username: plan.usernames[n % plan.usernames.length], password: plan.password }),
    }),
  );
}

serveRunner(config.lifetimeMs, { run });
