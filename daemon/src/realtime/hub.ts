import { eq, lt, sql } from 'drizzle-orm';
import type { Logger } from 'pino';
import type { ServerFrame } from '../protocol/ws.js';
import { uuidv7 } from '../core/ids.js';
import type { Store, Tx } from '../store/driver.js';
import { eventOutbox } from '../store/schema.js';

/** One frame for the clients subscribed to any of `channels` whose user is in `audience` (null: every user). */
export interface HubMessage {
  channels: string[];
  audience: string[] | null;
  frame: ServerFrame;
}

type Listener = (message: HubMessage) => void;

const PG_CHANNEL = 'agor_events';
/** NOTIFY payloads are capped at 8,000 bytes; beyond this the message goes by reference. */
const NOTIFY_LIMIT = 7800;

/**
 * Fans messages out to this replica's listeners and, on PostgreSQL, to the other replicas.
 * Service events are NOTIFYed inside the writing transaction, so they cross replicas only on commit and in commit order.
 */
export class EventHub {
  private readonly listeners = new Set<Listener>();
  private unlisten: (() => Promise<void>) | null = null;
  private incoming: Promise<void> = Promise.resolve();
  private sweeper: NodeJS.Timeout | null = null;

  constructor(
    private readonly store: Store,
    private readonly daemonId: string,
    private readonly log: Logger,
  ) {}

  async start(): Promise<void> {
    const notifier = this.store.notifier;
    if (!notifier) return;
    this.unlisten = await notifier.listen(PG_CHANNEL, (payload) => {
      // Serialize so a by-reference message read back from the outbox keeps its place in line.
      this.incoming = this.incoming.then(() => this.receive(payload)).catch((err) => this.log.warn({ err }, 'dropped a malformed replica event'));
    });
    this.sweeper = setInterval(() => {
      const cutoff = new Date(Date.now() - 5 * 60_000);
      this.store.db.delete(eventOutbox).where(lt(eventOutbox.created_at, cutoff)).catch(() => {});
    }, 60_000);
    this.sweeper.unref();
  }

  async stop(): Promise<void> {
    if (this.sweeper) clearInterval(this.sweeper);
    await this.unlisten?.();
    this.listeners.clear();
  }

  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Delivers to this replica's listeners now; call after the transaction that produced the messages committed. */
  deliverLocal(messages: HubMessage[]): void {
    for (const message of messages) for (const listener of this.listeners) listener(message);
  }

  /** Queues the messages for the other replicas inside `tx`: PostgreSQL sends them only if it commits. */
  async notifyInTx(tx: Tx, messages: HubMessage[]): Promise<void> {
    if (!this.store.notifier || messages.length === 0) return;
    for (const message of messages) {
      const payload = JSON.stringify({ origin: this.daemonId, message });
      if (Buffer.byteLength(payload) <= NOTIFY_LIMIT) {
        await tx.execute(sql`select pg_notify(${PG_CHANNEL}, ${payload})`);
      } else {
        const ref = uuidv7();
        await tx.insert(eventOutbox).values({ event_id: ref, payload: message });
        await tx.execute(sql`select pg_notify(${PG_CHANNEL}, ${JSON.stringify({ origin: this.daemonId, ref })})`);
      }
    }
  }

  /** Ephemeral frames (cursors, presence, stream deltas): no transaction, delivered here and sent to the replicas. */
  async broadcast(message: HubMessage): Promise<void> {
    this.deliverLocal([message]);
    if (!this.store.notifier) return;
    const payload = JSON.stringify({ origin: this.daemonId, message });
    if (Buffer.byteLength(payload) > NOTIFY_LIMIT) {
      await this.store.db.transaction(async (tx) => this.notifyInTx(tx, [message]));
      return;
    }
    await this.store.notifier.notify(PG_CHANNEL, payload);
  }

  private async receive(payload: string): Promise<void> {
    const parsed = JSON.parse(payload) as { origin: string; message?: HubMessage; ref?: string };
    if (parsed.origin === this.daemonId) return;
    let message = parsed.message;
    if (!message && parsed.ref) {
      const [row] = await this.store.db.select().from(eventOutbox).where(eq(eventOutbox.event_id, parsed.ref));
      message = row?.payload as HubMessage | undefined;
    }
    if (message) this.deliverLocal([message]);
  }
}
