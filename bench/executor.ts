/**
 * Prompt → first streamed delta, with a cold executor (container started for the prompt) and a warm one (reused),
 * the fake model answering at once. Run: `npm run build && deploy/build-executor-image.sh && npx tsx bench/executor.ts`.
 */
import { startTestDaemon } from '../test/support/daemon.js';
import { FakeAnthropic } from '../test/support/fake-anthropic.js';
import { makeGitRepo } from '../test/support/git-repo.js';
import { WsClient } from '../test/support/ws-client.js';

const RUNS = Number(process.env.RUNS ?? 10);
const IDLE_MS = 1000;

async function measure(runtime: 'docker' | 'process'): Promise<void> {
  await using fake = await new FakeAnthropic().start();
  await using t = await startTestDaemon({ executorRuntime: runtime, anthropicBaseUrl: fake.url, executorIdleMs: IDLE_MS });
  const repo = await t.api.ok('POST', '/repos', { path: makeGitRepo() });
  const wt = await t.api.ok('POST', '/worktrees', { repo_id: repo.repo_id, name: 'bench' });
  const session = await t.api.ok('POST', '/sessions', { worktree_id: wt.worktree_id });
  const ws = await WsClient.connect(t.url);
  await ws.subscribe(`sessions/${session.session_id}`);
  const marker = fake.script('bench', [{ text: ['first delta', ' and more'] }]);
  const once = async () => {
    const seen = ws.frames.length;
    const start = performance.now();
    const task = await t.api.ok('POST', `/sessions/${session.session_id}/prompt`, { prompt: `hi ${marker}` });
    await ws.next((f) => ws.frames.indexOf(f) >= seen && f.type === 'stream', 'first delta', 60_000);
    const ms = performance.now() - start;
    await ws.next((f) => f.service === 'tasks' && f.data.task_id === task.task_id && f.data.status === 'completed', 'completion', 60_000);
    await ws.next((f) => f.service === 'sessions' && f.data.status === 'idle' && ws.frames.indexOf(f) > seen, 'idle session', 60_000);
    return ms;
  };
  await once(); // first run also creates the agent's home state; not counted
  const cold: number[] = [];
  const warm: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    await new Promise((r) => setTimeout(r, IDLE_MS + 700)); // the idle executor is reaped
    cold.push(await once());
    warm.push(await once());
  }
  ws.close();
  const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))]!.toFixed(0);
  console.log(`executor ${runtime.padEnd(7)} prompt → first delta  cold p50 ${pct(cold, 50)} ms p99 ${pct(cold, 99)} ms   warm p50 ${pct(warm, 50)} ms p99 ${pct(warm, 99)} ms   (${RUNS} runs each)`);
}

/** The agent alone: the Claude Agent SDK called directly, query() → first text delta, to subtract from the above. */
async function baseline(): Promise<void> {
  const { query } = await import('@anthropic-ai/claude-agent-sdk');
  const { mkdtempSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const { join } = await import('node:path');
  await using fake = await new FakeAnthropic().start();
  const home = mkdtempSync(join(tmpdir(), 'agor-bench-home-'));
  const times: number[] = [];
  for (let i = 0; i <= RUNS; i++) {
    const start = performance.now();
    let first = 0;
    for await (const m of query({ prompt: 'hi', options: {
      cwd: home, settingSources: [], includePartialMessages: true, permissionMode: 'bypassPermissions', allowDangerouslySkipPermissions: true,
      env: { PATH: process.env.PATH ?? '', HOME: home, ANTHROPIC_API_KEY: 'x', ANTHROPIC_BASE_URL: fake.url, IS_SANDBOX: '1',
        CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1', DISABLE_TELEMETRY: '1', DISABLE_AUTOUPDATER: '1', DISABLE_ERROR_REPORTING: '1' },
    } })) {
      if (!first && m.type === 'stream_event' && m.event.type === 'content_block_delta') first = performance.now() - start;
    }
    if (i > 0) times.push(first);
  }
  const pct = (p: number) => [...times].sort((a, b) => a - b)[Math.min(times.length - 1, Math.floor((p / 100) * times.length))]!.toFixed(0);
  console.log(`agent alone (SDK in this process) query → first delta  p50 ${pct(50)} ms p99 ${pct(99)} ms: the executor overhead is the warm figure minus this`);
}

await measure('docker');
await measure('process');
await baseline();
