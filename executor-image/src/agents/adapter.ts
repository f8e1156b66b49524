import type { ParamsOf } from '@agor/daemon/protocol';

/** How an agent adapter reports back: each call is one JSON-RPC request to the daemon. */
export interface Reporter {
  /** A text delta of the assistant message `messageId` (not stored; the full message follows). */
  stream(messageId: string, delta: string): void;
  /** Stores a complete message; `messageId` ties it to the deltas streamed under that id. */
  message(role: 'assistant' | 'tool' | 'system', content: string | Array<Record<string, unknown>>, messageId?: string, sdkMessageId?: string): Promise<void>;
  sdkSession(sdkSessionId: string): Promise<void>;
  /** Asks the user (through the daemon) whether the agent may use a tool. */
  permission(tool: string, input: Record<string, unknown>): Promise<{ allow: boolean; reason?: string }>;
  credentials(provider: 'anthropic' | 'openai' | 'gemini'): Promise<{ apiKey: string | null; baseUrl: string | null }>;
}

export interface RunResult {
  status: 'completed' | 'failed';
  error?: string;
  usage: Record<string, number>;
}

export type TaskParams = ParamsOf<'task.run'>;

/** One per agentic tool: runs a prompt to the end (or until `signal` aborts), reporting as it goes. */
export interface AgentAdapter {
  run(task: TaskParams, env: AgentEnv, report: Reporter, signal: AbortSignal): Promise<RunResult>;
}

/** What the executor gives every agent: a writable home and the agor MCP endpoint for this session. */
export interface AgentEnv {
  home: string;
  mcpUrl: string | null;
}

/** The variables an agent child process may see: its own, never the executor's. */
export function baseEnv(home: string): Record<string, string> {
  return { PATH: process.env.PATH ?? '/usr/local/bin:/usr/bin:/bin', HOME: home, LANG: 'C.UTF-8', TMPDIR: process.env.TMPDIR ?? '/tmp' };
}
