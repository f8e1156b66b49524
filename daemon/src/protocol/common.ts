import { z } from 'zod';

/** UUIDv7 (or any canonical UUID) as the daemon issues them. */
export const Id = z.string().regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/, 'must be a full id (UUID)');
export const Timestamp = z.string();
export const Json = z.record(z.string(), z.unknown());

export const AgenticTool = z.enum(['claude-code', 'codex', 'gemini']);
export const SessionStatus = z.enum(['idle', 'running', 'awaiting_permission', 'completed', 'failed']);
export const TaskStatus = z.enum(['created', 'running', 'awaiting_permission', 'completed', 'failed', 'stopped']);
export const MessageRole = z.enum(['user', 'assistant', 'system', 'tool']);

export const Name = z.string().trim().min(1).max(200);
export const Emoji = z.string().min(1).max(16);

/** A `find` page: `{ total, limit, skip, data }`. */
export function pageOf<T extends z.ZodType>(item: T) {
  return z.object({ total: z.number().int(), limit: z.number().int(), skip: z.number().int(), data: z.array(item) });
}

export type AgenticTool = z.infer<typeof AgenticTool>;
export type SessionStatus = z.infer<typeof SessionStatus>;
export type TaskStatus = z.infer<typeof TaskStatus>;
