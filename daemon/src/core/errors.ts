/** The kinds of failure a caller can cause; every surface (HTTP, WS, MCP, JSON-RPC, CLI) maps these once. */
export type ErrorCode = 'VALIDATION' | 'UNAUTHENTICATED' | 'FORBIDDEN' | 'NOT_FOUND' | 'CONFLICT' | 'UNPROCESSABLE' | 'TOO_LARGE';

export interface FieldProblem {
  path: string;
  message: string;
}

/** A failure the caller caused and may be told about in full. */
export class DomainError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly errors: FieldProblem[] = [],
  ) {
    super(message);
    this.name = 'DomainError';
  }
}

export const notFound = (what: string, id: string) => new DomainError('NOT_FOUND', `${what} ${id} does not exist`);
export const forbidden = (message: string) => new DomainError('FORBIDDEN', message);
export const conflict = (message: string) => new DomainError('CONFLICT', message);
export const unprocessable = (message: string) => new DomainError('UNPROCESSABLE', message);
export const invalid = (message: string, errors: FieldProblem[] = []) => new DomainError('VALIDATION', message, errors);

export const httpStatusOf: Record<ErrorCode, number> = {
  VALIDATION: 400, UNAUTHENTICATED: 401, FORBIDDEN: 403, NOT_FOUND: 404, CONFLICT: 409, UNPROCESSABLE: 422, TOO_LARGE: 413,
};
