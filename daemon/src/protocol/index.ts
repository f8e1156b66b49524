export {
  Id, Timestamp, Json, AgenticTool, SessionStatus, TaskStatus, MessageRole, pageOf,
} from './common.js';
export {
  User, UserCreate, UserPatch, ApiToken, ApiTokenCreate, ApiTokenCreated, Repo, RepoCreate, RepoPatch,
  GitState, Worktree, WorktreeCreate, WorktreePatch, Board, BoardCreate, BoardPatch, BoardObject,
  BoardObjectCreate, BoardObjectPatch, BoardObjectKind, Session, SessionCreate, SessionPatch, SessionFork,
  SessionSpawn, SessionPrompt, Genealogy, Task, Usage, Message, MessageCreate, MessageContent, McpServer,
  McpServerCreate, McpServerPatch, SessionMcpServer, SessionMcpServerCreate, Authentication, AuthResult, ContextFile,
} from './entities.js';
export { Channel, ClientFrame, ServerFrame, EventFrame, CursorFrame, PresenceFrame, StreamFrame } from './ws.js';
export { JsonRpcId, JsonRpcRequest, JsonRpcResponse, RpcCode } from './jsonrpc.js';
export { ExecutorMethods } from './ipc.js';
export type { ExecutorMethod, ParamsOf, ResultOf } from './ipc.js';
