/** Exit codes, documented in `agor --help`. */
export const EXIT = { OK: 0, FAILED: 1, USAGE: 2, TIMEOUT: 124 } as const;

/** A failure the user can act on: printed as one line (never a stack) and mapped to an exit code. */
export class CliError extends Error {
  constructor(message: string, readonly exitCode: number = EXIT.FAILED) {
    super(message);
    this.name = 'CliError';
  }
}

export const usage = (message: string) => new CliError(message, EXIT.USAGE);
