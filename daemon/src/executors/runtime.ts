/** Labels on every executor container, defined once; reconciliation finds containers by them. */
export const LABELS = {
  managed: 'agor.managed',
  userId: 'agor.user-id',
  daemonId: 'agor.daemon-id',
} as const;

/** What an executor for one user must be able to see. */
export interface ExecutorSpec {
  userId: string;
  /** Absolute worktree paths, mounted at the same path inside. */
  worktrees: string[];
}

/** A started executor: runs the executor program, which opens one IPC connection per launched session token. */
export interface RunningExecutor {
  readonly id: string;
  readonly userId: string;
  readonly worktrees: ReadonlySet<string>;
  /** Hands a session token to the executor program (over its stdin: never in env, never on disk). */
  launch(sessionToken: string): void;
  /** Resolves when the executor is gone, with the reason. */
  readonly exited: Promise<string>;
  stop(): Promise<void>;
}

/** Starts executors. The pool decides when; the runtime decides how (Docker container, plain process, …). */
export interface ExecutorRuntime {
  readonly kind: 'docker' | 'process';
  /** `none` when agent code runs with the daemon's own rights. */
  readonly isolation: 'container' | 'none';
  /** How an executor reaches a service on the daemon's machine (a provider base URL on localhost), if not localhost. */
  readonly hostAddress?: string;
  start(spec: ExecutorSpec): Promise<RunningExecutor>;
  /** Removes executors a previous run of this daemon (or of `daemonId`, a replica that died) left behind; returns how many. */
  reconcile(daemonId?: string): Promise<number>;
  /** A TTY shell inside an executor, in `cwd` (runtimes that can isolate one; absent otherwise). */
  openTerminal?(executor: RunningExecutor, cwd: string): Promise<TerminalStream>;
  /** Progress and state for /health (image build, engine). */
  status(): Record<string, unknown>;
}

/** A shell's byte stream and its window size. */
export interface TerminalStream {
  stream: import('node:stream').Duplex;
  resize(cols: number, rows: number): Promise<void>;
}
