import { Writable } from 'node:stream';

export interface LogRecord {
  level: number;
  msg?: string;
  err?: { message?: string; stack?: string };
  [key: string]: unknown;
}

/** Collects the server's pino output so a test can fail on unexpected error logs. */
export class LogRecorder extends Writable {
  readonly records: LogRecord[] = [];
  private partial = '';

  override _write(chunk: Buffer, _enc: BufferEncoding, done: () => void): void {
    const lines = (this.partial + chunk.toString()).split('\n');
    this.partial = lines.pop() ?? '';
    for (const line of lines) if (line.trim()) this.records.push(JSON.parse(line) as LogRecord);
    done();
  }

  errors(): LogRecord[] {
    return this.records.filter((r) => r.level >= 50);
  }

  /** Throws when the server logged at `error` or above, with what it logged. */
  assertNoErrors(): void {
    const errors = this.errors();
    if (errors.length > 0) {
      const text = errors.map((e) => `${e.msg}: ${e.err?.stack ?? e.err?.message ?? ''}`).join('\n');
      throw new Error(`The server logged ${errors.length} unexpected error(s):\n${text}`);
    }
  }
}
