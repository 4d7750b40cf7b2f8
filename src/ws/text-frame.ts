import type { ServerFrame } from '../shared/wire.js';

/**
 * A frame ready for the wire: a WebSocket text frame (RFC 6455 §5.2: FIN, opcode 1,
 * unmasked, as every server frame is) with its header and JSON payload in one buffer.
 * Being unmasked, the same bytes can be written to every recipient.
 */
export function textFrame(frame: ServerFrame): Buffer {
  const json = JSON.stringify(frame);
  const length = Buffer.byteLength(json);
  const headerLength = length < 126 ? 2 : length < 65536 ? 4 : 10;
  const bytes = Buffer.allocUnsafe(headerLength + length);
  bytes[0] = 0x81;
  if (headerLength === 2) {
    bytes[1] = length;
  } else if (headerLength === 4) {
    bytes[1] = 126;
    bytes.writeUInt16BE(length, 2);
  } else {
    bytes[1] = 127;
    bytes.writeBigUInt64BE(BigInt(length), 2);
  }
  bytes.write(json, headerLength, 'utf8');
  return bytes;
}

/**
 * Joins frame lists for a run of sockets written one after another: a list holding the
 * very same frames as the one before reuses its buffer (a broadcast joins once, not once
 * per socket).
 */
export function frameJoiner(): (frames: Buffer[]) => Buffer {
  let previous: Buffer[] = [];
  let previousBytes: Buffer = Buffer.alloc(0);
  return (frames) => {
    if (!sameFrames(frames, previous)) previousBytes = joinFrames(frames);
    previous = frames;
    return previousBytes;
  };
}

/** Whether two lists hold the very same frames in the same order (so one joined buffer serves both). */
function sameFrames(a: Buffer[], b: Buffer[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Frames back to back, as one buffer to write (the frame itself when there is one). */
export function joinFrames(frames: Buffer[]): Buffer {
  return frames.length === 1 ? frames[0]! : Buffer.concat(frames);
}
