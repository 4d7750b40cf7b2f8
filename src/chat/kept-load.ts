/**
 * A value read once and kept until `forget()` (after a change that affects it). Callers
 * during the read share it; a read that fails is not kept, so the next call reads again.
 */
export class KeptLoad<T> {
  private value: Promise<T> | null = null;

  constructor(private readonly load: () => Promise<T>) {}

  get(): Promise<T> {
    if (!this.value) {
      const loading = this.load();
      loading.catch(() => {
        if (this.value === loading) this.value = null;
      });
      this.value = loading;
    }
    return this.value;
  }

  forget(): void {
    this.value = null;
  }
}
