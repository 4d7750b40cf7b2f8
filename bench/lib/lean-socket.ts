import { randomBytes } from 'node:crypto';
import net from 'node:net';
import { nowMicros } from './clock.js';

// A WebSocket client reduced to what a receiver needs: the HTTP upgrade, frame
// boundaries, and the first bytes of each text frame to tell a chat message from other
// frames. Payloads are skipped, not decoded, so one generator process keeps up with
// far more deliveries per second than the server can produce.

const MESSAGE_PREFIX = Buffer.from('{"type":"message"');
const TEXT_HEAD_BYTES = MESSAGE_PREFIX.length;
const CONTROL_MAX_BYTES = 125;
const HEADER_END = Buffer.from('\r\n\r\n');

// Every lean socket of the process reads into this one buffer (net's `onread`): no
// Buffer and no stream event per read. It is safe to share because each read is
// handled to the end before the next one starts; the little that must outlive a read
// (a frame header cut in two) is copied.
const READ_BUFFER = Buffer.alloc(256 * 1024);

/** What all lean sockets of one process add up to. */
export class FrameCounters {
  messages = 0;
  otherTextFrames = 0;
  bytes = 0;
  firstMessageAt = 0;
  lastMessageAt = 0;
  closedByServer = 0;
  /** Sockets that ended after the upgrade without our asking (close frame or not). */
  lost = 0;
  readonly closeCodes: Record<string, number> = {};

  reset(): void {
    this.messages = 0;
    this.otherTextFrames = 0;
    this.bytes = 0;
    this.firstMessageAt = 0;
    this.lastMessageAt = 0;
  }
}

export interface Endpoint {
  host: string;
  port: number;
  cookie?: string | undefined;
}

export class LeanSocket {
  private socket: net.Socket | null = null;
  private partial: Buffer | null = null;
  private payloadLeft = 0;
  private opcode = 0;
  private head = Buffer.alloc(CONTROL_MAX_BYTES);
  private headLen = 0;
  private headWanted = 0;
  private readonly maskKey = randomBytes(4);
  /** Text frames seen so far; lets a caller wait for an answer to `subscribe`. */
  textFrames = 0;
  private onTextFrame: (() => void) | null = null;
  private closing = false;
  private onHandshake: ((chunk: Buffer) => void) | null = null;

  constructor(private readonly counters: FrameCounters) {}

  /** Opens the socket and completes the upgrade; rejects with the HTTP status line otherwise. */
  connect(endpoint: Endpoint, timeoutMs: number): Promise<void> {
    return new Promise((resolve, reject) => {
      const socket = net.connect({
        host: endpoint.host,
        port: endpoint.port,
        noDelay: true,
        onread: { buffer: READ_BUFFER, callback: (n: number) => this.onRead(READ_BUFFER.subarray(0, n)) },
      } as net.NetConnectOpts);
      this.socket = socket;
      let handshake: Buffer | null = Buffer.alloc(0);
      const timer = setTimeout(() => fail(new Error('upgrade timed out')), timeoutMs);
      const fail = (err: Error) => {
        clearTimeout(timer);
        socket.destroy();
        reject(err);
      };
      socket.once('connect', () => socket.write(upgradeRequest(endpoint)));
      socket.on('error', (err) => (handshake ? fail(err) : undefined));
      socket.on('close', () => {
        if (handshake) fail(new Error('closed during upgrade'));
        else if (!this.closing) this.counters.lost++;
      });
      this.onHandshake = (chunk: Buffer) => {
        handshake = Buffer.concat([handshake!, chunk]);
        const end = handshake.indexOf(HEADER_END);
        if (end < 0) return;
        const statusLine = handshake.subarray(0, handshake.indexOf('\r\n')).toString('latin1');
        const rest = handshake.subarray(end + HEADER_END.length);
        handshake = null;
        this.onHandshake = null;
        if (!statusLine.startsWith('HTTP/1.1 101')) return fail(new Error(statusLine));
        clearTimeout(timer);
        resolve();
        if (rest.length > 0) this.onData(rest);
      };
    });
  }

  /** Sends one masked text frame (clients must mask). */
  sendText(text: string): void {
    const payload = Buffer.from(text);
    const extended = payload.length >= 126;
    const header = Buffer.alloc(extended ? 8 : 6);
    header[0] = 0x81;
    if (extended) {
      header[1] = 0x80 | 126;
      header.writeUInt16BE(payload.length, 2);
    } else header[1] = 0x80 | payload.length;
    this.maskKey.copy(header, header.length - 4);
    for (let i = 0; i < payload.length; i++) payload[i]! ^= this.maskKey[i & 3]!;
    this.socket?.write(Buffer.concat([header, payload]));
  }

  /** Resolves at the next text frame (e.g. the `presence` answer to `subscribe`). */
  nextTextFrame(timeoutMs: number): Promise<void> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('no answer from the server')), timeoutMs);
      this.onTextFrame = () => {
        clearTimeout(timer);
        this.onTextFrame = null;
        resolve();
      };
    });
  }

  close(): void {
    this.closing = true;
    this.socket?.destroy();
  }

  private onRead(chunk: Buffer): boolean {
    if (this.onHandshake) this.onHandshake(Buffer.from(chunk));
    else this.onData(chunk);
    return true;
  }

  private onData(chunk: Buffer): void {
    this.counters.bytes += chunk.length;
    const buf = this.partial ? Buffer.concat([this.partial, chunk]) : chunk;
    this.partial = null;
    let at = 0;
    let seenAt = 0;
    while (at < buf.length) {
      if (this.payloadLeft > 0) {
        const take = Math.min(this.payloadLeft, buf.length - at);
        const copy = Math.min(take, this.headWanted - this.headLen);
        if (copy > 0) this.headLen += buf.copy(this.head, this.headLen, at, at + copy);
        at += take;
        this.payloadLeft -= take;
        if (this.payloadLeft === 0) seenAt = this.endFrame(seenAt);
        continue;
      }
      const headerLength = frameHeaderLength(buf, at);
      if (headerLength === 0) {
        this.partial = Buffer.from(buf.subarray(at));
        return;
      }
      this.startFrame(buf, at);
      at += headerLength;
      if (this.payloadLeft === 0) seenAt = this.endFrame(seenAt);
    }
  }

  private startFrame(buf: Buffer, at: number): void {
    this.opcode = buf[at]! & 0x0f;
    const short = buf[at + 1]! & 0x7f;
    if (short === 126) this.payloadLeft = buf.readUInt16BE(at + 2);
    else if (short === 127) this.payloadLeft = Number(buf.readBigUInt64BE(at + 2));
    else this.payloadLeft = short;
    this.headLen = 0;
    this.headWanted = this.opcode >= 8 ? CONTROL_MAX_BYTES : TEXT_HEAD_BYTES;
  }

  /** Returns the receive time, read at most once per chunk: hrtime per frame would cost more than the parse. */
  private endFrame(seenAt: number): number {
    const head = this.head.subarray(0, this.headLen);
    if (this.opcode === 1) {
      this.textFrames++;
      if (head.equals(MESSAGE_PREFIX)) {
        const now = seenAt || nowMicros();
        this.counters.messages++;
        if (this.counters.firstMessageAt === 0) this.counters.firstMessageAt = now;
        this.counters.lastMessageAt = now;
        seenAt = now;
      } else this.counters.otherTextFrames++;
      this.onTextFrame?.();
    } else if (this.opcode === 9) this.sendControl(0x8a, head);
    else if (this.opcode === 8) this.onClose(head);
    return seenAt;
  }

  private sendControl(firstByte: number, payload: Buffer): void {
    const frame = Buffer.alloc(6 + payload.length);
    frame[0] = firstByte;
    frame[1] = 0x80 | payload.length;
    this.maskKey.copy(frame, 2);
    for (let i = 0; i < payload.length; i++) frame[6 + i] = payload[i]! ^ this.maskKey[i & 3]!;
    this.socket?.write(frame);
  }

  private onClose(payload: Buffer): void {
    const code = payload.length >= 2 ? payload.readUInt16BE(0) : 1005;
    this.counters.closedByServer++;
    this.counters.closeCodes[code] = (this.counters.closeCodes[code] ?? 0) + 1;
    this.socket?.destroy();
  }
}

/** Bytes of the frame header at `at`, or 0 when the chunk ends inside it. Server frames are unmasked. */
function frameHeaderLength(buf: Buffer, at: number): number {
  const available = buf.length - at;
  if (available < 2) return 0;
  const short = buf[at + 1]! & 0x7f;
  const length = short === 126 ? 4 : short === 127 ? 10 : 2;
  return available >= length ? length : 0;
}

function upgradeRequest(endpoint: Endpoint): string {
  const lines = [
    'GET /ws HTTP/1.1',
    `Host: ${endpoint.host}:${endpoint.port}`,
    'Upgrade: websocket',
    'Connection: Upgrade',
    `Sec-WebSocket-Key: ${randomBytes(16).toString('base64')}`,
    'Sec-WebSocket-Version: 13',
  ];
  if (endpoint.cookie) lines.push(`Cookie: ${endpoint.cookie}`);
  return `${lines.join('\r\n')}\r\n\r\n`;
}
