import { z } from 'zod';

/** JSON-RPC 2.0 messages, one per line on the executor socket. */
export const JsonRpcId = z.union([z.string().max(100), z.number().int()]);

export const JsonRpcRequest = z.object({
  jsonrpc: z.literal('2.0'), id: JsonRpcId.optional(), method: z.string().min(1).max(100), params: z.unknown().optional(),
});
export const JsonRpcResponse = z.union([
  z.object({ jsonrpc: z.literal('2.0'), id: JsonRpcId, result: z.unknown() }),
  z.object({ jsonrpc: z.literal('2.0'), id: JsonRpcId.nullable(), error: z.object({ code: z.number().int(), message: z.string(), data: z.unknown().optional() }) }),
]);
export type JsonRpcRequest = z.infer<typeof JsonRpcRequest>;
export type JsonRpcResponse = z.infer<typeof JsonRpcResponse>;

/** Standard and Agor-specific JSON-RPC error codes. */
export const RpcCode = {
  PARSE_ERROR: -32700, INVALID_REQUEST: -32600, METHOD_NOT_FOUND: -32601, INVALID_PARAMS: -32602, INTERNAL: -32603,
  UNAUTHENTICATED: -32001, FORBIDDEN: -32003, NOT_FOUND: -32004, CONFLICT: -32009, UNPROCESSABLE: -32022, CANCELLED: -32800, TIMEOUT: -32801,
} as const;
