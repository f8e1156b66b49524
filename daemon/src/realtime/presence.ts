import type { ServerFrame } from '../protocol/ws.js';

type PresenceFrame = Extract<ServerFrame, { type: 'presence' }>;

/** Who is on which board, across replicas: kept from the presence frames the hub carries. */
export class PresenceRegistry {
  private readonly boards = new Map<string, Map<string, PresenceFrame>>();

  apply(frame: PresenceFrame): void {
    let users = this.boards.get(frame.boardId);
    if (frame.state === 'left') {
      users?.delete(frame.userId);
      if (users?.size === 0) this.boards.delete(frame.boardId);
      return;
    }
    if (!users) this.boards.set(frame.boardId, (users = new Map()));
    users.set(frame.userId, frame);
  }

  on(boardId: string): PresenceFrame[] {
    return [...(this.boards.get(boardId)?.values() ?? [])];
  }
}
