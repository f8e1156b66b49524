import { z } from 'zod';

/** A channel a WebSocket client can subscribe to. */
export const Channel = z.union([
  z.literal('*'),
  z.string().regex(/^(boards|sessions|worktrees)\/[0-9a-f-]{36}$/, 'channels are "*", boards/<id>, sessions/<id> or worktrees/<id>'),
]);

const Coord = z.number().finite().min(-1e7).max(1e7);

export const ClientFrame = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('auth'), token: z.string().min(1).max(4000) }),
  z.strictObject({ type: z.literal('subscribe'), channels: z.array(Channel).min(1).max(100) }),
  z.strictObject({ type: z.literal('unsubscribe'), channels: z.array(Channel).min(1).max(100) }),
  z.strictObject({ type: z.literal('cursor'), boardId: z.uuid(), x: Coord, y: Coord }),
  z.strictObject({ type: z.literal('presence'), boardId: z.uuid(), state: z.enum(['active', 'idle', 'left']) }),
  z.strictObject({ type: z.literal('ping') }),
]);

export const EventFrame = z.object({
  type: z.literal('event'), service: z.string(), event: z.enum(['created', 'patched', 'removed']), data: z.record(z.string(), z.unknown()),
});
export const CursorFrame = z.object({
  type: z.literal('cursor'), boardId: z.string(), x: z.number(), y: z.number(), userId: z.string(), name: z.string(), emoji: z.string(),
});
export const PresenceFrame = z.object({
  type: z.literal('presence'), boardId: z.string(), userId: z.string(), name: z.string(), emoji: z.string(),
  state: z.enum(['active', 'idle', 'left']),
});
export const StreamFrame = z.object({
  type: z.literal('stream'), sessionId: z.string(), messageId: z.string(), delta: z.string(), seq: z.number().int(),
});
export const ServerFrame = z.discriminatedUnion('type', [
  EventFrame, CursorFrame, PresenceFrame, StreamFrame,
  z.object({ type: z.literal('ready'), userId: z.string().nullable(), authRequired: z.boolean() }),
  z.object({ type: z.literal('authenticated'), userId: z.string() }),
  z.object({ type: z.literal('subscribed'), channels: z.array(z.string()) }),
  z.object({ type: z.literal('unsubscribed'), channels: z.array(z.string()) }),
  z.object({ type: z.literal('pong') }),
  z.object({ type: z.literal('error'), code: z.string(), message: z.string() }),
]);

export type ClientFrame = z.infer<typeof ClientFrame>;
export type ServerFrame = z.infer<typeof ServerFrame>;
export type EventFrame = z.infer<typeof EventFrame>;
