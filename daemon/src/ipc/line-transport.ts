import type { Duplex } from 'node:stream';
import type { Transport } from './peer.js';

export const MAX_FRAME_BYTES = 8 * 1024 * 1024;

/** Newline-delimited JSON over a byte stream (a Unix socket); a line over `maxFrame` is dropped and reported. */
export function lineTransport(stream: Duplex, maxFrame = MAX_FRAME_BYTES): Transport {
  let onMessage: (m: string) => void = () => {};
  let onFrameError: (r: string) => void = () => {};
  let onClose: (r: string) => void = () => {};
  let chunks: Buffer[] = [];
  let size = 0;
  let skipping = false;
  let closed = false;
  stream.on('data', (data: Buffer) => {
    let start = 0;
    for (let nl = data.indexOf(10, start); nl !== -1; nl = data.indexOf(10, start)) {
      const piece = data.subarray(start, nl);
      start = nl + 1;
      if (skipping || size + piece.length > maxFrame) {
        if (!skipping) onFrameError(`frame larger than ${maxFrame} bytes`);
        skipping = false;
        chunks = [];
        size = 0;
        continue;
      }
      const line = chunks.length ? Buffer.concat([...chunks, piece]).toString('utf8') : piece.toString('utf8');
      chunks = [];
      size = 0;
      if (line.trim()) onMessage(line);
    }
    const rest = data.subarray(start);
    if (skipping || rest.length === 0) return;
    if (size + rest.length > maxFrame) {
      onFrameError(`frame larger than ${maxFrame} bytes`);
      skipping = true;
      chunks = [];
      size = 0;
      return;
    }
    chunks.push(Buffer.from(rest));
    size += rest.length;
  });
  const finish = (reason: string) => {
    if (closed) return;
    closed = true;
    onClose(reason);
  };
  stream.on('close', () => finish('the other side closed the connection'));
  stream.on('error', (err) => finish(err.message));
  return {
    send: (m) => { if (!closed && stream.writable) stream.write(`${m}\n`); },
    onMessage: (h) => { onMessage = h; },
    onFrameError: (h) => { onFrameError = h; },
    onClose: (h) => { onClose = h; },
    close: (reason = 'closed') => {
      stream.end();
      finish(reason);
    },
  };
}
