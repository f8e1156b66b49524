import type { Logger } from 'pino';
import type { Db } from '../store/driver.js';
import { auditLog } from '../store/schema.js';

export interface AuditEntry {
  actor_kind: string;
  user_id: string | null;
  session_id: string | null;
  method: string;
  direction: 'executor→daemon' | 'daemon→executor';
  outcome: 'ok' | 'error';
  detail?: Record<string, unknown>;
}

/** The audit log of IPC calls, written in batches (stream deltas alone can be hundreds a second). Never holds secrets. */
export class AuditLog {
  private buffer: Array<AuditEntry & { at: Date }> = [];
  private readonly timer: NodeJS.Timeout;

  constructor(private readonly db: Db, private readonly log: Logger) {
    this.timer = setInterval(() => void this.flush(), 250);
    this.timer.unref();
  }

  record(entry: AuditEntry): void {
    this.buffer.push({ ...entry, at: new Date() });
    if (this.buffer.length >= 500) void this.flush();
  }

  async flush(): Promise<void> {
    if (this.buffer.length === 0) return;
    const batch = this.buffer;
    this.buffer = [];
    await this.db.insert(auditLog).values(batch.map((e) => ({ ...e, detail: e.detail ?? {} })))
      .catch((err: unknown) => this.log.error({ err, lost: batch.length }, 'could not write the audit log'));
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    await this.flush();
  }
}
