// A tiny request/reply protocol between the runner and its load-generator processes:
// the runner calls named commands; a generator answers each call once.

export interface Call {
  kind: 'call';
  id: number;
  name: string;
  arg: unknown;
}

export type Reply =
  | { kind: 'reply'; id: number; data: unknown }
  | { kind: 'fail'; id: number; message: string };

/** Every generator gets at least these; `lifetimeMs` is its own hard stop. */
export interface GeneratorBase {
  lifetimeMs: number;
}

export type Commands = Record<string, (arg: never) => unknown>;

/**
 * Serves the runner's calls. The process ends by itself when the runner goes away,
 * when it is told to `exit`, or when its lifetime is over, whatever else happens.
 */
export function serveRunner(lifetimeMs: number, commands: Commands): void {
  if (!process.send) throw new Error('a load generator must be started by the bench runner (IPC)');
  const lifetime = setTimeout(() => {
    console.error(`[${process.argv[1]}] lifetime of ${lifetimeMs} ms is over; exiting`);
    process.exit(3);
  }, lifetimeMs);
  process.on('disconnect', () => process.exit(1));
  process.on('message', (message: Call) => {
    if (message.kind !== 'call') return;
    if (message.name === 'exit') {
      clearTimeout(lifetime);
      process.send!({ kind: 'reply', id: message.id, data: null } satisfies Reply, () => process.exit(0));
      return;
    }
    const command = commands[message.name];
    Promise.resolve()
      .then(() => {
        if (!command) throw new Error(`unknown command ${message.name}`);
        return command(message.arg as never);
      })
      .then(
        (data) => process.send!({ kind: 'reply', id: message.id, data: data ?? null } satisfies Reply),
        (err: unknown) =>
          process.send!({
            kind: 'fail',
            id: message.id,
            message: err instanceof Error ? err.message : String(err),
          } satisfies Reply),
      );
  });
}

/** The config a generator was started with (JSON in argv[2]). */
export function generatorConfig<T extends GeneratorBase>(): T {
  const raw = process.argv[2];
  if (!raw) throw new Error('missing generator config');
  return JSON.parse(raw) as T;
}
