/** How long a benchmark server process may live, whatever happens to its runner. */
const LIFETIME_MS = 2 * 60 * 60_000;

/** Ends this server process with the runner that started it, or after its lifetime. */
export function endWithRunner(): void {
  process.on('disconnect', () => process.exit(0));
  process.on('SIGTERM', () => process.exit(0));
  setTimeout(() => process.exit(0), LIFETIME_MS).unref();
}
