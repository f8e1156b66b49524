import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumAvailable, launch, SCREENSHOTS } from '../support/browser.js';
import { ADMIN, startTestDaemon, type Api, type TestDaemon } from '../support/daemon.js';
import { dockerAvailable } from '../support/docker.js';
import { FakeAnthropic } from '../support/fake-anthropic.js';
import { makeGitRepo } from '../support/git-repo.js';

const ready = chromiumAvailable() && (await dockerAvailable());

describe.skipIf(!ready)('the board in the browser, two users live', () => {
  let fake: FakeAnthropic;
  let t: TestDaemon;
  let browser: Browser;
  let alice: Api;
  let boardId: string;
  let worktreePath: string;

  /** Closes the session panel the way a user does, and waits until it no longer covers the board. */
  async function closePanel(page: Page): Promise<void> {
    await page.locator('.mantine-Drawer-close').click();
    await page.locator('.mantine-Drawer-content').waitFor({ state: 'hidden' });
  }

  async function signIn(email: string, password: string): Promise<Page> {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    await page.goto(`${t.url}/?board=${boardId}`);
    await page.locator('input[name=email]').fill(email);
    await page.locator('input[name=password]').fill(password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByTestId('facepile').waitFor();
    return page;
  }

  beforeAll(async () => {
    fake = await new FakeAnthropic().start();
    t = await startTestDaemon({ authRequired: true, executorRuntime: 'docker', anthropicBaseUrl: fake.url });
    const admin = await t.api.login(ADMIN.email, ADMIN.password);
    await admin.ok('POST', '/users', { email: 'alice@board.test', password: 'alice-password', name: 'Alice', emoji: '🦊' });
    await admin.ok('POST', '/users', { email: 'bob@board.test', password: 'bob-password', name: 'Bob', emoji: '🐻' });
    alice = await t.api.login('alice@board.test', 'alice-password');
    const repo = await alice.ok('POST', '/repos', { path: makeGitRepo(), name: 'webapp' });
    const wt = await alice.ok('POST', '/worktrees', { repo_id: repo.repo_id, name: 'landing-page' });
    worktreePath = wt.path;
    boardId = (await alice.ok('POST', '/boards', { name: 'Launch week' })).board_id;
    browser = await launch();
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
    await fake?.[Symbol.asyncDispose]();
  });

  it('A creates and drags a session, prompts it, forks it and opens a terminal; B sees all of it live', async () => {
    const a = await signIn('alice@board.test', 'alice-password');
    const b = await signIn('bob@board.test', 'bob-password');
    await b.getByTestId('facepile').getByText('🦊').waitFor();

    // A creates a session; B sees the card appear.
    await a.getByTestId('new-session').click();
    await a.getByTestId('session-title').fill('Hero section');
    await a.getByTestId('create-session').click();
    await closePanel(a);
    const cardOnB = b.locator('[data-testid=session-card]', { hasText: 'Hero section' });
    await cardOnB.waitFor({ timeout: 10_000 });

    // A drags it; B sees it move.
    const cardOnA = a.locator('[data-testid=session-card]', { hasText: 'Hero section' });
    const before = (await cardOnB.boundingBox())!;
    const box = (await cardOnA.boundingBox())!;
    await a.mouse.move(box.x + 60, box.y + 20);
    await a.mouse.down();
    for (let i = 1; i <= 10; i++) await a.mouse.move(box.x + 60 + i * 20, box.y + 20 + i * 12, { steps: 2 });
    await a.mouse.up();
    await expect.poll(async () => (await cardOnB.boundingBox())!.x - before.x, { timeout: 10_000 }).toBeGreaterThan(50);

    // B sees A's cursor, labelled.
    await a.mouse.move(300, 500, { steps: 5 });
    await a.mouse.move(420, 560, { steps: 5 });
    await b.getByTestId('remote-cursor').filter({ hasText: 'Alice' }).waitFor({ timeout: 10_000 });
    await b.screenshot({ path: join(SCREENSHOTS, 'board.png') });

    // A prompts; B watches the reply stream in.
    const marker = fake.script('board-stream', [
      { text: ['Creating ', 'the hero ', 'section ', 'notes…'], tool: { name: 'Write', input: { file_path: join(worktreePath, 'HERO.md'), content: '# Hero\n' } }, delayMs: 250 },
      { text: ['Done: ', 'I wrote ', '**HERO.md** ', 'with the ', 'outline.'], delayMs: 300 },
    ]);
    await cardOnA.dblclick();
    await a.getByTestId('prompt-box').fill(`Write the hero notes ${marker}`);
    await a.getByTestId('prompt-box').press('Control+Enter');
    await cardOnB.dblclick();
    await b.getByTestId('streaming').first().waitFor({ timeout: 60_000 });
    await b.screenshot({ path: join(SCREENSHOTS, 'session-mid-stream.png') });
    await b.getByTestId('conversation').getByText('with the outline.').waitFor({ timeout: 60_000 });
    await expect.poll(() => cardOnB.getByTestId('session-status').textContent(), { timeout: 30_000 }).toBe('idle');

    // A forks from a message; B sees the dashed genealogy edge.
    await a.getByTestId('fork-here').nth(1).click();
    await b.locator('.react-flow__edge.agor-edge-fork').waitFor({ timeout: 10_000 });
    expect(await b.locator('[data-testid=session-card]').count()).toBe(2);

    // A's terminal, in the worktree inside A's container, shows the file the agent wrote.
    await closePanel(a);
    await a.locator('.react-flow__controls-fitview').click();
    await a.locator('[data-testid=session-card]', { hasText: 'Hero section (fork' }).dblclick();
    await a.getByTestId('open-terminal').click();
    await a.getByTestId('terminal-status').getByText('connected').waitFor({ timeout: 30_000 });
    await a.locator('[data-testid=terminal] .xterm-helper-textarea').focus();
    await a.keyboard.type('pwd && ls\n');
    await expect.poll(() => a.locator('[data-testid=terminal] .xterm-rows').innerText(), { timeout: 15_000 }).toContain('HERO.md');
    expect(await a.locator('[data-testid=terminal] .xterm-rows').innerText()).toContain(worktreePath);
    await a.screenshot({ path: join(SCREENSHOTS, 'terminal.png') });
  });

  it("does not let another user open a terminal into alice's session", async () => {
    const session = (await alice.ok('GET', `/sessions?board_id=${boardId}`)).data[0];
    const bob = await t.api.login('bob@board.test', 'bob-password');
    const res = await fetch(`${t.url}/pty?session=${session.session_id}&token=${bob.token}`, { headers: { connection: 'upgrade', upgrade: 'websocket', 'sec-websocket-version': '13', 'sec-websocket-key': 'dGhlIHNhbXBsZSBub25jZQ==' } }).catch((e: Error) => e);
    const status = res instanceof Error ? 0 : res.status;
    expect([403, 0]).toContain(status);
    const WebSocket = (await import('ws')).default;
    const outcome = await new Promise<string>((resolve) => {
      const ws = new WebSocket(`${t.url.replace('http', 'ws')}/pty?session=${session.session_id}&token=${bob.token}`);
      ws.on('open', () => resolve('opened'));
      ws.on('unexpected-response', (_req, r) => resolve(`refused ${r.statusCode}`));
      ws.on('error', () => resolve('error'));
    });
    expect(outcome).toBe('refused 403');
  });
});
