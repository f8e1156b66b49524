import { z } from 'zod';
import { AgenticTool, Id, MessageRole, TaskStatus } from './common.js';

/** Every JSON-RPC method between daemon and executor, with its params and result schemas. */
const Empty = z.object({}).strict();
const Ok = z.object({ ok: z.literal(true) });

export const ExecutorMethods = {
  /** executor → daemon: the first call on a connection. */
  'auth.hello': { params: z.strictObject({ sessionToken: z.string().min(1).max(200) }), result: z.object({ sessionId: Id, userId: Id, taskId: Id.nullable() }) },
  'messages.create': {
    params: z.strictObject({
      messageId: Id.optional(), sdkMessageId: z.string().max(200).optional(), role: MessageRole, content: z.union([z.string().max(1_000_000), z.array(z.record(z.string(), z.unknown())).max(1000)]),
    }),
    result: z.object({ messageId: Id, index: z.number().int() }),
  },
  'messages.stream': { params: z.strictObject({ messageId: Id, delta: z.string().max(64 * 1024), seq: z.number().int().min(0) }), result: Ok },
  'tasks.patch': {
    params: z.strictObject({
      status: TaskStatus.optional(), error: z.string().max(10_000).nullable().optional(), usage: z.record(z.string(), z.number()).optional(),
    }),
    result: Ok,
  },
  'sessions.patch': { params: z.strictObject({ sdkSessionId: z.string().max(200).optional(), title: z.string().max(500).optional() }), result: Ok },
  'permissions.request': {
    params: z.strictObject({ tool: z.string().max(200), input: z.record(z.string(), z.unknown()) }),
    result: z.object({ allow: z.boolean(), reason: z.string().optional() }),
  },
  'credentials.get': {
    params: z.strictObject({ provider: z.enum(['anthropic', 'openai', 'gemini']) }),
    result: z.object({ apiKey: z.string().nullable(), baseUrl: z.string().nullable() }),
  },
  'mcp.call': { params: z.strictObject({ body: z.unknown() }), result: z.object({ status: z.number().int(), body: z.unknown() }) },
  /** daemon → executor. */
  'task.run': {
    params: z.strictObject({
      taskId: Id, sessionId: Id, prompt: z.string(), agenticTool: AgenticTool, cwd: z.string(),
      sdkSessionId: z.string().nullable(), forkFromSdkSessionId: z.string().nullable(), forkAtSdkMessageId: z.string().nullable(),
      model: z.string().nullable(),
      permissionMode: z.enum(['bypassPermissions', 'default', 'acceptEdits']),
    }),
    result: z.object({ status: TaskStatus }),
  },
  'task.stop': { params: Empty, result: Ok },
  ping: { params: Empty, result: z.object({ pong: z.literal(true) }) },
} as const;

export type ExecutorMethod = keyof typeof ExecutorMethods;
export type ParamsOf<M extends ExecutorMethod> = z.infer<(typeof ExecutorMethods)[M]['params']>;
export type ResultOf<M extends ExecutorMethod> = z.infer<(typeof ExecutorMethods)[M]['result']>;
