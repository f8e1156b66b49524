import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { type AgentAdapter, baseEnv } from './adapter.js';

const require = createRequire(import.meta.url);
const GEMINI_BIN = join(dirname(require.resolve('@google/gemini-cli/package.json')), 'bundle', 'gemini.js');
const APPROVAL = { bypassPermissions: 'yolo', acceptEdits: 'auto_edit', default: 'default' } as const;

interface GeminiEvent {
  type: string;
  session_id?: string;
  role?: string;
  content?: string;
  delta?: boolean;
  tool_name?: string;
  tool_id?: string;
  parameters?: Record<string, unknown>;
  status?: string;
  output?: unknown;
  error?: { message?: string } | string;
  stats?: { input_tokens?: number; output_tokens?: number; cached?: number; tool_calls?: number; duration_ms?: number };
}

/** The Gemini CLI in headless mode (`-p … --output-format stream-json`), sessions by id, agor's MCP server trusted. */
export const gemini: AgentAdapter = {
  async run(task, agentEnv, report, signal) {
    const creds = await report.credentials('gemini');
    if (!creds.apiKey) return { status: 'failed', error: 'no Gemini API key is configured: set GEMINI_API_KEY for the daemon', usage: {} };
    const settingsDir = join(agentEnv.home, '.gemini');
    mkdirSync(settingsDir, { recursive: true });
    writeFileSync(join(settingsDir, 'settings.json'), JSON.stringify({
      security: { auth: { selectedType: 'gemini-api-key' }, folderTrust: { enabled: false } },
      privacy: { usageStatisticsEnabled: false }, telemetry: { enabled: false },
      general: { disableAutoUpdate: true, disableUpdateNag: true },
      ...(agentEnv.mcpUrl ? { mcpServers: { agor: { httpUrl: agentEnv.mcpUrl, trust: true } } } : {}),
    }));
    const sessionId = task.sdkSessionId ?? randomUUID();
    const args = [GEMINI_BIN, '-p', task.prompt, '--output-format', 'stream-json', '--approval-mode', APPROVAL[task.permissionMode],
      ...(task.sdkSessionId ? ['--resume', task.sdkSessionId] : ['--session-id', sessionId]), ...(task.model ? ['-m', task.model] : [])];
    const child = spawn(process.execPath, args, {
      cwd: task.cwd, stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...baseEnv(agentEnv.home), GEMINI_API_KEY: creds.apiKey, ...(creds.baseUrl ? { GOOGLE_GEMINI_BASE_URL: creds.baseUrl } : {}) },
    });
    signal.addEventListener('abort', () => child.kill('SIGTERM'), { once: true });
    const stderr: string[] = [];
    child.stderr.on('data', (d) => { if (stderr.length < 50) stderr.push(String(d)); });
    const exited = new Promise<number | null>((resolve) => child.once('close', (code) => resolve(code)));
    let text = '';
    let messageId = randomUUID();
    const flush = async () => {
      if (!text) return;
      await report.message('assistant', [{ type: 'text', text }], messageId);
      text = '';
      messageId = randomUUID();
    };
    let usage: Record<string, number> = {};
    let failed: string | null = null;
    for await (const line of createInterface({ input: child.stdout })) {
      let e: GeminiEvent;
      try {
        e = JSON.parse(line) as GeminiEvent;
      } catch {
        continue;
      }
      if (e.type === 'init' && e.session_id) await report.sdkSession(e.session_id);
      else if (e.type === 'message' && e.role === 'assistant' && e.content) {
        report.stream(messageId, e.content);
        text += e.content;
      } else if (e.type === 'tool_use') {
        await flush();
        await report.message('assistant', [{ type: 'tool_use', id: e.tool_id, name: e.tool_name, input: e.parameters ?? {} }]);
      } else if (e.type === 'tool_result') {
        await report.message('tool', [{ type: 'tool_result', tool_use_id: e.tool_id, content: e.output ?? e.status ?? null, is_error: e.status !== 'success' }]);
      } else if (e.type === 'result') {
        usage = { input_tokens: e.stats?.input_tokens ?? 0, output_tokens: e.stats?.output_tokens ?? 0, cache_read_input_tokens: e.stats?.cached ?? 0, duration_ms: e.stats?.duration_ms ?? 0 };
        if (e.status !== 'success') failed = typeof e.error === 'string' ? e.error : (e.error?.message ?? e.status ?? 'error');
      } else if (e.type === 'error') {
        failed = typeof e.error === 'string' ? e.error : (e.error?.message ?? 'error');
      }
    }
    await flush();
    const code = await exited;
    if (signal.aborted) throw new Error('stopped');
    if (failed || code !== 0) {
      const why = failed ?? stderr.join('').split('\n').filter((l) => /error/i.test(l))[0] ?? `exit code ${code}`;
      return { status: 'failed', error: `Gemini CLI failed: ${why}`, usage };
    }
    return { status: 'completed', usage };
  },
};
