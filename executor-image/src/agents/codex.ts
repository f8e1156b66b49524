import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Codex, type ThreadItem } from '@openai/codex-sdk';
import { type AgentAdapter, baseEnv } from './adapter.js';

/** Codex through `@openai/codex-sdk`: a custom Responses provider (HTTP only), agor's MCP server, resume by thread id. */
export const codex: AgentAdapter = {
  async run(task, agentEnv, report, signal) {
    const creds = await report.credentials('openai');
    if (!creds.apiKey) return { status: 'failed', error: 'no OpenAI API key is configured: set OPENAI_API_KEY for the daemon', usage: {} };
    const codexHome = join(agentEnv.home, '.codex');
    mkdirSync(codexHome, { recursive: true });
    const client = new Codex({
      env: { ...baseEnv(agentEnv.home), CODEX_HOME: codexHome, AGOR_OPENAI_KEY: creds.apiKey },
      config: {
        model_provider: 'agor',
        model_providers: {
          agor: {
            name: 'agor', base_url: creds.baseUrl ?? 'https://api.openai.com/v1', env_key: 'AGOR_OPENAI_KEY', wire_api: 'responses',
            // Without this the CLI tries a WebSocket first and falls back after seconds.
            supports_websockets: false, request_max_retries: 2, stream_max_retries: 2,
          },
        },
        ...(agentEnv.mcpUrl ? { mcp_servers: { agor: { url: agentEnv.mcpUrl } } } : {}),
        analytics: { enabled: false }, check_for_update_on_startup: false,
        features: { plugins: false, apps: false, remote_plugin: false, plugin_sharing: false, api_key_model_discovery: false, skill_mcp_dependency_install: false, tool_suggest: false },
      },
    });
    const options = {
      workingDirectory: task.cwd, skipGitRepoCheck: true, sandboxMode: 'danger-full-access' as const, approvalPolicy: 'never' as const,
      ...(task.model ? { model: task.model } : {}),
    };
    const thread = task.sdkSessionId ? client.resumeThread(task.sdkSessionId, options) : client.startThread(options);
    const { events } = await thread.runStreamed(task.prompt, { signal });
    const streamed = new Map<string, { messageId: string; sent: number }>();
    let usage: Record<string, number> = {};
    for await (const event of events) {
      if (event.type === 'thread.started') await report.sdkSession(event.thread_id);
      else if ((event.type === 'item.updated' || event.type === 'item.completed') && event.item.type === 'agent_message') {
        let s = streamed.get(event.item.id);
        if (!s) streamed.set(event.item.id, (s = { messageId: crypto.randomUUID(), sent: 0 }));
        if (event.item.text.length > s.sent) report.stream(s.messageId, event.item.text.slice(s.sent));
        s.sent = event.item.text.length;
        if (event.type === 'item.completed') await report.message('assistant', [{ type: 'text', text: event.item.text }], s.messageId);
      } else if (event.type === 'item.completed') {
        await storeItem(event.item, report);
      } else if (event.type === 'turn.completed') {
        usage = {
          input_tokens: event.usage.input_tokens, output_tokens: event.usage.output_tokens,
          cache_read_input_tokens: event.usage.cached_input_tokens, reasoning_output_tokens: event.usage.reasoning_output_tokens,
        };
      } else if (event.type === 'turn.failed') {
        return { status: 'failed', error: `Codex failed: ${event.error.message}`, usage };
      } else if (event.type === 'error') {
        return { status: 'failed', error: `Codex failed: ${event.message}`, usage };
      }
    }
    return { status: 'completed', usage };
  },
};

/** Tool activity as a tool_use message and its result, in the same shape Claude's are stored in. */
async function storeItem(item: ThreadItem, report: Parameters<AgentAdapter['run']>[2]): Promise<void> {
  const use = (name: string, input: unknown) => report.message('assistant', [{ type: 'tool_use', id: item.id, name, input }]);
  const result = (content: unknown, isError: boolean) => report.message('tool', [{ type: 'tool_result', tool_use_id: item.id, content, is_error: isError }]);
  if (item.type === 'command_execution') {
    await use('exec_command', { command: item.command });
    await result(item.aggregated_output, item.status === 'failed' || (item.exit_code ?? 0) !== 0);
  } else if (item.type === 'mcp_tool_call') {
    await use(`mcp__${item.server}__${item.tool}`, item.arguments);
    await result(item.error ? item.error.message : item.result?.content ?? null, !!item.error);
  } else if (item.type === 'file_change') {
    await use('apply_patch', { changes: item.changes });
    await result(item.status, item.status === 'failed');
  }
}
