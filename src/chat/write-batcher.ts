interface Pending<T, R> {
  item: T;
  resolve(result: R): void;
  reject(err: unknown): void;
}

/** Stores a group of items at once; outcome i is item i's result, or the Error that refused it. */
export type StoreMany<T, R> = (items: T[]) => Promise<(R | Error)[]>;

/**
 * Groups writes into batches: the writes of one event-loop turn, and those that arrive
 * while the previous batch is being stored, go to the database together. Batches run one
 * after another, in order, and each caller is answered only once its batch is stored.
 * On SQLite each batch is one durable commit, so a burst of writes waits for one disk
 * flush instead of one each.
 */
export class WriteBatcher<T, R> {
  private queue: Pending<T, R>[] = [];
  private running: Promise<void> | null = null;

  constructor(
    private readonly storeMany: StoreMany<T, R>,
    private readonly maxBatch: number,
  ) {}

  write(item: T): Promise<R> {
    return new Promise((resolve, reject) => {
      this.queue.push({ item, resolve, reject });
      this.running ??= new Promise<void>((done) => setImmediate(done)).then(() => this.drain());
    });
  }

  /** Resolves once every queued write has been stored or has failed. */
  async idle(): Promise<void> {
    while (this.running) await this.running;
  }

  private async drain(): Promise<void> {
    while (this.queue.length > 0) {
      const batch = this.queue.splice(0, this.maxBatch);
      try {
        const outcomes = await this.storeMany(batch.map((pending) => pending.item));
        if (outcomes.length !== batch.length)
          throw new Error('A batch store answered for the wrong number of writes');
        for (const [i, pending] of batch.entries()) {
          const outcome = outcomes[i]!;
          if (outcome instanceof Error) pending.reject(outcome);
          else pending.resolve(outcome);
        }
      } catch (err) {
        for (const pending of batch) pending.reject(err);
      }
    }
    this.running = null;
  }
}
