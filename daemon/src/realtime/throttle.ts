/**
 * At most one call per `intervalMs` per key, keeping the latest value: the first goes out at once, later ones
 * within the window replace each other and the last is sent when the window ends.
 */
export class Throttle<T> {
  private readonly state = new Map<string, { last: number; pending: T | null; timer: NodeJS.Timeout | null }>();

  constructor(
    private readonly intervalMs: number,
    private readonly send: (value: T) => void,
  ) {}

  push(key: string, value: T, now = Date.now()): void {
    let s = this.state.get(key);
    if (!s) this.state.set(key, (s = { last: 0, pending: null, timer: null }));
    if (now - s.last >= this.intervalMs && !s.timer) {
      s.last = now;
      this.send(value);
      return;
    }
    s.pending = value;
    if (!s.timer) {
      const entry = s;
      entry.timer = setTimeout(() => {
        entry.timer = null;
        entry.last = Date.now();
        const v = entry.pending;
        entry.pending = null;
        if (v !== null) this.send(v);
      }, Math.max(0, this.intervalMs - (now - s.last)));
    }
  }

  /** Forgets a key, dropping anything pending (the client is gone). */
  drop(key: string): void {
    const s = this.state.get(key);
    if (s?.timer) clearTimeout(s.timer);
    this.state.delete(key);
  }
}
