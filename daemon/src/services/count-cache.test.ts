import { describe, expect, it } from 'vitest';
import { startTestDaemon } from '../../../test/support/daemon.js';
import { makeGitRepo } from '../../../test/support/git-repo.js';

describe('find totals', () => {
  it('stay right as sessions come and go, including cascades', async () => {
    await using t = await startTestDaemon();
    const repo = await t.api.ok('POST', '/repos', { path: makeGitRepo() });
    const wt = await t.api.ok('POST', '/worktrees', { repo_id: repo.repo_id, name: 'w' });
    const board = await t.api.ok('POST', '/boards', { name: 'b' });
    const total = async (path: string) => (await t.api.ok('GET', path)).total;
    expect(await total(`/sessions?board_id=${board.board_id}`)).toBe(0);
    const s = await t.api.ok('POST', '/sessions', { worktree_id: wt.worktree_id, board_id: board.board_id });
    expect(await total(`/sessions?board_id=${board.board_id}`)).toBe(1);
    expect(await total(`/board-objects?board_id=${board.board_id}`)).toBe(1);
    await t.api.ok('PATCH', `/sessions/${s.session_id}`, { status: 'completed' });
    expect(await total(`/sessions?status=idle`)).toBe(0);
    await t.api.ok('DELETE', `/sessions/${s.session_id}`);
    expect(await total(`/sessions?board_id=${board.board_id}`)).toBe(0);
    expect(await total(`/board-objects?board_id=${board.board_id}`)).toBe(0);
    await t.api.ok('POST', '/sessions', { worktree_id: wt.worktree_id, board_id: board.board_id });
    await t.api.ok('DELETE', `/boards/${board.board_id}`);
    expect(await total('/sessions?board_id=null')).toBe(1);
  });
});
