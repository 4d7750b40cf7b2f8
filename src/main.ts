import { ConfigError, loadConfig } from './config.js';
import { createLogger } from './log.js';
import { createNatter } from './server.js';

// Start: config → database → server → listen. SIGTERM drains and exits.
async function main(): Promise<void> {
  let config: Awaited<ReturnType<typeof loadConfig>>;
  try {
    config = await loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message);
      process.exit(1);
    }
    throw err;
  }
  const log = createLogger(config.LOG_LEVEL);
  process.on('unhandledRejection', (err) => log.error({ err }, 'unhandled rejection'));

  const natter = await createNatter(config, log);
  const port = await natter.listen();
  log.info(
    { port, host: config.HOST, database: config.DATABASE_URL ? 'mysql' : 'sqlite' },
    'Natter is listening',
  );

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'shutting down');
    const force = setTimeout(() => {
      log.warn('shutdown took too long; exiting');
      process.exit(0);
    }, config.SHUTDOWN_TIMEOUT_MS);
    force.unref();
    natter.close().then(
      () => {
        log.info('stopped');
        process.exit(0);
      },
      (err: unknown) => {
        log.error({ err }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

main().catch((err: unknown) => {
  console.error(`Natter failed to start: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
