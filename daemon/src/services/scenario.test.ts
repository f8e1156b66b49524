import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { startTestDaemon, storeKinds } from '../../../test/support/daemon.js';
import { makeGitRepo } from '../../../test/support/git-repo.js';

describe.each(storeKinds())('a scripted client on %s', (store) => {
  it('builds repos, worktrees, a board, sessions, forks and spawns, and finds it all after a restart', async () => {
    await using t = await startTestDaemon({ store });
    const api = t.api;
    const repo = await api.ok('POST', '/repos', { path: makeGitRepo(), name: 'demo' });
    expect(repo).toMatchObject({ name: 'demo', status: 'ready', default_branch: 'main' });

    const wt1 = await api.ok('POST', '/worktrees', { repo_id: repo.repo_id, name: 'feat-a' });
    const wt2 = await api.ok('POST', '/worktrees', { repo_id: repo.repo_id, name: 'feat-b', new_branch: 'feature/b' });
    expect(wt1.path).toBe(join(t.home, 'worktrees', 'demo', 'feat-a'));
    expect(existsSync(join(wt1.path, 'README.md'))).toBe(true);
    expect(wt1.git_state).toMatchObject({ branch: 'feat-a', dirty: false });
    expect(wt2.branch).toBe('feature/b');

    const board = await api.ok('POST', '/boards', { name: 'Sprint' });
    const s1 = await api.ok('POST', '/sessions', { worktree_id: wt1.worktree_id, board_id: board.board_id, title: 'one' });
    const s2 = await api.ok('POST', '/sessions', { worktree_id: wt2.worktree_id, board_id: board.board_id, title: 'two' });
    expect(s1).toMatchObject({ status: 'idle', agentic_tool: 'claude-code', board_id: board.board_id });

    const contents = ['a', 'b', 'c', 'd', 'e', 'f'];
    const created = await api.ok('POST', '/messages', contents.map((c, i) => ({ session_id: s1.session_id, role: i % 2 ? 'assistant' : 'user', content: c })));
    expect(created.map((m: { index: number }) => m.index)).toEqual([0, 1, 2, 3, 4, 5]);

    const fork = await api.ok('POST', `/sessions/${s1.session_id.slice(0, 13)}/fork`, { message_index: 3 });
    expect(fork).toMatchObject({ forked_from_session_id: s1.session_id, forked_at_message_index: 3, message_count: 4 });
    const forkMessages = await api.ok('GET', `/messages?session_id=${fork.session_id}`);
    expect(forkMessages.data.map((m: { content: string; index: number }) => [m.index, m.content])).toEqual([[0, 'a'], [1, 'b'], [2, 'c'], [3, 'd']]);

    const child = await api.ok('POST', `/sessions/${s1.session_id}/spawn`, { title: 'helper' });
    expect(child).toMatchObject({ parent_session_id: s1.session_id, message_count: 0, worktree_id: wt1.worktree_id });
    const grandchild = await api.ok('POST', `/sessions/${child.session_id}/spawn`, {});

    const genealogy = await api.ok('GET', `/sessions/${s1.session_id}/genealogy`);
    expect(genealogy.ancestors).toEqual([]);
    expect(genealogy.descendants).toEqual(expect.arrayContaining([
      expect.objectContaining({ session_id: fork.session_id, relation: 'fork', depth: 1 }),
      expect.objectContaining({ session_id: child.session_id, relation: 'spawn', depth: 1 }),
      expect.objectContaining({ session_id: grandchild.session_id, relation: 'spawn', depth: 2, parent_id: child.session_id }),
    ]));
    const up = await api.ok('GET', `/sessions/${grandchild.session_id}/genealogy`);
    expect(up.ancestors.map((a: { session_id: string }) => a.session_id)).toEqual([child.session_id, s1.session_id]);

    await api.ok('PATCH', `/sessions/${s2.session_id}`, { status: 'completed' });
    const idleOnWt1 = await api.ok('GET', `/sessions?worktree_id=${wt1.worktree_id}&status=idle`);
    expect(idleOnWt1.total).toBe(4);
    expect(idleOnWt1.data.every((s: { worktree_id: string }) => s.worktree_id === wt1.worktree_id)).toBe(true);
    const none = await api.ok('GET', `/sessions?worktree_id=${wt2.worktree_id}&status=idle`);
    expect(none.total).toBe(0);

    const seen: string[] = [];
    for (let skip = 0; skip < 5; skip += 2) {
      const page = await api.ok('GET', `/sessions?board_id=${board.board_id}&$limit=2&$skip=${skip}`);
      expect(page.total).toBe(5);
      expect(page.limit).toBe(2);
      seen.push(...page.data.map((s: { session_id: string }) => s.session_id));
    }
    expect(new Set(seen).size).toBe(5);
    const desc = await api.ok('GET', `/sessions?board_id=${board.board_id}&$sort[created_at]=-1&$limit=1`);
    expect(desc.data[0].session_id).toBe(grandchild.session_id);

    await t.restart();
    const again = await api.ok('GET', `/sessions?board_id=${board.board_id}`);
    expect(again.total).toBe(5);
    expect((await api.ok('GET', `/messages?session_id=${s1.session_id}`)).total).toBe(6);
    expect((await api.ok('GET', `/sessions/${fork.session_id}`)).forked_at_message_index).toBe(3);
    expect((await api.ok('GET', '/worktrees')).total).toBe(2);
    expect((await api.ok('GET', `/board-objects?board_id=${board.board_id}`)).total).toBe(5);
  });

  it('removes a worktree only when nothing would be lost, and keeps its branch', async () => {
    await using t = await startTestDaemon({ store });
    const repoPath = makeGitRepo();
    const repo = await t.api.ok('POST', '/repos', { path: repoPath });
    const wt = await t.api.ok('POST', '/worktrees', { repo_id: repo.repo_id, name: 'scratch' });
    const { writeFileSync } = await import('node:fs');
    writeFileSync(join(wt.path, 'notes.txt'), 'work in progress');
    const refreshed = await t.api.ok('POST', `/worktrees/${wt.worktree_id}/refresh`);
    expect(refreshed.git_state.dirty).toBe(true);
    const refused = await t.api.delete(`/worktrees/${wt.worktree_id}`);
    expect(refused.status).toBe(409);
    expect(refused.body.detail).toMatch(/uncommitted changes/);
    expect(readFileSync(join(wt.path, 'notes.txt'), 'utf8')).toBe('work in progress');
    const forced = await t.api.delete(`/worktrees/${wt.worktree_id}?force=true`);
    expect(forced.status).toBe(200);
    expect(existsSync(wt.path)).toBe(false);
    const { execFileSync } = await import('node:child_process');
    expect(execFileSync('git', ['branch', '--list', 'scratch'], { cwd: repoPath, encoding: 'utf8' })).toContain('scratch');
    const again = await t.api.ok('POST', '/worktrees', { repo_id: repo.repo_id, name: 'scratch2', ref: 'scratch', new_branch: false });
    expect(again.branch).toBe('scratch');
  });
});
