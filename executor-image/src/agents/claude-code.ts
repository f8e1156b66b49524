import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { query, type SDKMessage } from '@anthropic-ai/claude-agent-sdk';
import { type AgentAdapter, baseEnv } from './adapter.js';

/** Claude Code through the Claude Agent SDK: streams text, stores every message, resumes and forks the SDK session. */
export const claudeCode: AgentAdapter = {
  async run(task, agentEnv, report, signal) {
    const creds = await report.credentials('anthropic');
    if (!creds.apiKey) return { status: 'failed', error: 'no Anthropic API key is configured: set ANTHROPIC_API_KEY for the daemon', usage: {} };
    const env: Record<string, string> = {
      ...baseEnv(agentEnv.home),
      CLAUDE_CONFIG_DIR: join(agentEnv.home, '.claude'),
      ANTHROPIC_API_KEY: creds.apiKey,
      ...(creds.baseUrl ? { ANTHROPIC_BASE_URL: creds.baseUrl } : {}),
      CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1', DISABLE_TELEMETRY: '1', DISABLE_AUTOUPDATER: '1', DISABLE_ERROR_REPORTING: '1',
      // MCP tools are offered to the model directly rather than behind a search tool.
      ENABLE_TOOL_SEARCH: 'false',
      CLAUDE_CODE_MAX_RETRIES: '2',
      // Executors are sandboxes; the CLI refuses bypassPermissions as root without this.
      IS_SANDBOX: '1',
    };
    const abort = new AbortController();
    signal.addEventListener('abort', () => abort.abort(), { once: true });
    const resume = task.sdkSessionId ?? task.forkFromSdkSessionId ?? undefined;
    const q = query({
      prompt: task.prompt,
      options: {
        cwd: task.cwd, env, abortController: abort, settingSources: [], includePartialMessages: true,
        permissionMode: task.permissionMode, allowDangerouslySkipPermissions: task.permissionMode === 'bypassPermissions',
        ...(task.model ? { model: task.model } : {}),
        ...(resume ? { resume } : {}),
        ...(task.forkFromSdkSessionId && !task.sdkSessionId ? { forkSession: true, ...(task.forkAtSdkMessageId ? { resumeSessionAt: task.forkAtSdkMessageId } : {}) } : {}),
        ...(agentEnv.mcpUrl ? { mcpServers: { agor: { type: 'http' as const, url: agentEnv.mcpUrl } } } : {}),
        // Consulted only when the session asks for approvals; bypassPermissions would never call it.
        ...(task.permissionMode === 'bypassPermissions' ? {} : {
          canUseTool: async (tool: string, input: Record<string, unknown>) => {
            const answer = await report.permission(tool, input);
            return answer.allow ? { behavior: 'allow' as const, updatedInput: input } : { behavior: 'deny' as const, message: answer.reason ?? 'denied' };
          },
        }),
        stderr: () => {},
      },
    });
    const streamIds = new Map<string, string>();
    let current: string | null = null;
    let reportedSession = false;
    let result: Extract<SDKMessage, { type: 'result' }> | null = null;
    try {
      for await (const m of q) {
        if (m.type === 'system' && m.subtype === 'init' && !reportedSession) {
          reportedSession = true;
          await report.sdkSession(m.session_id);
        } else if (m.type === 'stream_event') {
          const e = m.event;
          if (e.type === 'message_start') {
            current = randomUUID();
            streamIds.set(e.message.id, current);
          } else if (e.type === 'content_block_delta' && e.delta.type === 'text_delta' && current) {
            report.stream(current, e.delta.text);
          }
        } else if (m.type === 'assistant') {
          // The SDK may split one API message into several; the first carries the streamed id.
          const id = streamIds.get(m.message.id);
          streamIds.delete(m.message.id);
          await report.message('assistant', m.message.content as unknown as Array<Record<string, unknown>>, id, m.uuid);
        } else if (m.type === 'user' && Array.isArray(m.message.content)) {
          const results = (m.message.content as unknown as Array<Record<string, unknown>>).filter((b) => b.type === 'tool_result');
          if (results.length) await report.message('tool', results, undefined, m.uuid);
        } else if (m.type === 'result') {
          result = m;
        }
      }
    } catch (err) {
      if (signal.aborted) throw err;
      if (!result) return { status: 'failed', error: `Claude Code failed: ${(err as Error).message}`, usage: {} };
    }
    if (!result) return { status: 'failed', error: 'Claude Code ended without a result', usage: {} };
    const u = result.usage as unknown as Record<string, number | undefined>;
    const usage: Record<string, number> = {
      input_tokens: u.input_tokens ?? 0, output_tokens: u.output_tokens ?? 0,
      cache_read_input_tokens: u.cache_read_input_tokens ?? 0, cache_creation_input_tokens: u.cache_creation_input_tokens ?? 0,
      cost_usd: result.total_cost_usd ?? 0, turns: result.num_turns ?? 0, duration_ms: result.duration_ms ?? 0,
    };
    if (result.is_error || result.subtype !== 'success') {
      const text = 'result' in result && typeof result.result === 'string' ? result.result : result.subtype;
      return { status: 'failed', error: `Claude Code reported an error: ${text}`, usage };
    }
    return { status: 'completed', usage };
  },
};
