/**
 * Values read from the database once per key and kept in memory, for reads far more
 * frequent than the changes that make them stale. A value is served while `isCurrent`
 * says so and until `forget(key)` (after a change is stored). Readers at the same time
 * share one read. A read under way when its key is forgotten still answers those who
 * asked, but is not kept: it may have missed the change. A failed read is not kept. Past
 * `max` keys the least recently read goes. A read that replaces a stale value is given
 * it, so it may read only what changed.
 */
export class KeptByKey<K, V> {
  private readonly kept = new Map<K, Promise<V>>();

  constructor(
    private readonly max: number,
    private readonly isCurrent: (value: V) => boolean,
  ) {}

  async get(key: K, read: (stale?: V) => Promise<V>): Promise<V> {
    const entry = this.kept.get(key) ?? this.load(key, () => read());
    this.keep(key, entry);
    const value = await entry;
    if (this.isCurrent(value)) return value;
    // Another reader found it stale first and is reading it again: share that read.
    const newer = this.kept.get(key);
    if (newer && newer !== entry) return newer;
    // A value forgotten meanwhile is not given to the read: the change may be in any part of it.
    const stillKept = this.kept.get(key) === entry;
    const fresh = this.load(key, () => read(stillKept ? value : undefined));
    if (stillKept) this.keep(key, fresh);
    return fresh;
  }

  forget(key: K): void {
    this.kept.delete(key);
  }

  /** Kept as the most recently read. */
  private keep(key: K, entry: Promise<V>): void {
    this.kept.delete(key);
    this.kept.set(key, entry);
    if (this.kept.size > this.max) this.kept.delete(this.kept.keys().next().value!);
  }

  private load(key: K, read: () => Promise<V>): Promise<V> {
    const loading = read();
    loading.catch(() => {
      if (this.kept.get(key) === loading) this.kept.delete(key);
    });
    return loading;
  }
}
