import type { EventHub } from '../realtime/hub.js';

const TTL_MS = 10_000;
const MAX_ENTRIES = 5_000;
const CASCADING = new Set(['users', 'repos', 'worktrees', 'boards', 'sessions', 'mcp-servers']);

/**
 * `find` totals, cached per service and query until that service changes. Every write publishes an event
 * through the hub (also from other replicas), which drops the service's entries; the TTL is only a backstop.
 */
export class CountCache {
  private readonly byService = new Map<string, Map<string, { n: number; at: number }>>();
  private size = 0;

  /**
   * Drops a service's counts whenever one of its events passes through the hub. Removing a parent entity
   * cascades in the database without events for its children, so that drops every count.
   */
  attach(hub: EventHub): () => void {
    return hub.subscribe((m) => {
      if (m.frame.type !== 'event') return;
      if (m.frame.event === 'removed' && CASCADING.has(m.frame.service)) this.clear();
      else this.invalidate(m.frame.service);
    });
  }

  get(service: string, key: string, now: number): number | undefined {
    const hit = this.byService.get(service)?.get(key);
    return hit && now - hit.at < TTL_MS ? hit.n : undefined;
  }

  set(service: string, key: string, n: number, now: number): void {
    if (this.size >= MAX_ENTRIES) this.clear();
    let entries = this.byService.get(service);
    if (!entries) this.byService.set(service, (entries = new Map()));
    if (!entries.has(key)) this.size += 1;
    entries.set(key, { n, at: now });
  }

  invalidate(service: string): void {
    this.size -= this.byService.get(service)?.size ?? 0;
    this.byService.delete(service);
  }

  clear(): void {
    this.byService.clear();
    this.size = 0;
  }
}
