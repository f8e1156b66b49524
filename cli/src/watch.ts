import WebSocket from 'ws';
import type { Client } from './client.js';
import { CliError } from './errors.js';

export interface Frame {
  type: string;
  service?: string;
  event?: string;
  data: Record<string, any>;
  delta?: string;
  messageId?: string;
}

/** Subscribes to channels on the daemon's WebSocket and calls `onFrame` for each frame; resolves with a stop function once subscribed. */
export function watchEvents(client: Client, channels: string[], onFrame: (f: Frame) => void): Promise<() => void> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`${client.url.replace(/^http/, 'ws')}/ws`, client.token ? { headers: { authorization: `Bearer ${client.token}` } } : {});
    ws.on('error', () => reject(new CliError(`cannot open the event stream at ${client.url}/ws`)));
    ws.on('message', (data) => {
      const frame = JSON.parse(data.toString()) as Frame;
      if (frame.type === 'ready') ws.send(JSON.stringify({ type: 'subscribe', channels }));
      else if (frame.type === 'subscribed') resolve(() => ws.terminate());
      else if (frame.type === 'error' && (frame as { code?: string }).code === 'UNAUTHENTICATED') reject(new CliError('the event stream refused the token: set AGOR_TOKEN or run `agor user login`', 2));
      else onFrame(frame);
    });
  });
}
