// Wire types come from the daemon's protocol (type-only: nothing of the daemon is bundled).
export type { Board, BoardObject, Message, Repo, Session, Task, User, Worktree } from '@agor/daemon/protocol';
