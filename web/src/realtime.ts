import { auth } from './api';

export interface Frame {
  type: string;
  service?: string;
  event?: 'created' | 'patched' | 'removed';
  data?: any;
  [key: string]: any;
}

type Listener = (frame: Frame) => void;

/** One WebSocket for the whole app: reconnects, re-subscribes, and fans frames out to listeners. */
class Realtime {
  private ws: WebSocket | null = null;
  private readonly channels = new Set<string>();
  private readonly listeners = new Set<Listener>();
  private retry = 0;

  connect(): void {
    if (this.ws) return;
    const proto = location.protocol === 'https:' ? 'wss' : 'ws';
    const token = auth.token;
    const ws = new WebSocket(`${proto}://${location.host}/ws${token ? `?token=${encodeURIComponent(token)}` : ''}`);
    this.ws = ws;
    ws.onmessage = (e) => {
      const frame = JSON.parse(e.data as string) as Frame;
      if (frame.type === 'ready') {
        this.retry = 0;
        if (this.channels.size) ws.send(JSON.stringify({ type: 'subscribe', channels: [...this.channels] }));
      }
      for (const l of this.listeners) l(frame);
    };
    ws.onclose = () => {
      this.ws = null;
      const delay = Math.min(5000, 250 * 2 ** this.retry++);
      setTimeout(() => this.connect(), delay);
    };
  }

  subscribe(channels: string[]): () => void {
    const fresh = channels.filter((c) => !this.channels.has(c));
    fresh.forEach((c) => this.channels.add(c));
    if (fresh.length && this.ws?.readyState === WebSocket.OPEN) this.ws.send(JSON.stringify({ type: 'subscribe', channels: fresh }));
    return () => {
      fresh.forEach((c) => this.channels.delete(c));
      if (fresh.length && this.ws?.readyState === WebSocket.OPEN) this.ws.send(JSON.stringify({ type: 'unsubscribe', channels: fresh }));
    };
  }

  send(frame: Record<string, unknown>): void {
    if (this.ws?.readyState === WebSocket.OPEN) this.ws.send(JSON.stringify(frame));
  }

  on(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}

export const realtime = new Realtime();
