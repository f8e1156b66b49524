import { CliError, EXIT } from './errors.js';
import { daemonUrl, readLogin } from './home.js';

export interface Page<T> {
  total: number;
  limit: number;
  skip: number;
  data: T[];
}

/** REST client for the daemon: JSON in and out; every failure becomes a CliError that says what to do. */
export class Client {
  readonly url: string;
  readonly token: string | undefined;

  constructor(opts: { url?: string; token?: string } = {}) {
    this.url = opts.url ?? daemonUrl();
    this.token = opts.token ?? process.env.AGOR_TOKEN ?? readLogin().accessToken;
  }

  async request<T>(method: string, path: string, body?: unknown): Promise<T> {
    let res: Response;
    try {
      res = await fetch(`${this.url}${path}`, {
        method,
        headers: { ...(this.token ? { authorization: `Bearer ${this.token}` } : {}), ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    } catch {
      throw new CliError(`the Agor daemon is not running at ${this.url}: start it with \`agor daemon start\` (or set AGOR_URL)`);
    }
    const text = await res.text();
    const json = text ? (JSON.parse(text) as Record<string, unknown>) : {};
    if (res.status === 401) {
      throw new CliError(`not authenticated at ${this.url}: set AGOR_TOKEN to an API token (\`agor token create\`) or run \`agor user login\` (${json.detail ?? 'unauthorized'})`, EXIT.USAGE);
    }
    if (res.status >= 400) throw new CliError(`${json.detail ?? `HTTP ${res.status}`}`, res.status === 400 || res.status === 404 || res.status === 409 ? EXIT.USAGE : EXIT.FAILED);
    return json as T;
  }

  get = <T>(path: string) => this.request<T>('GET', path);
  post = <T>(path: string, body: unknown = {}) => this.request<T>('POST', path, body);
  patch = <T>(path: string, body: unknown) => this.request<T>('PATCH', path, body);
  put = <T>(path: string, body: unknown) => this.request<T>('PUT', path, body);
  delete = <T>(path: string) => this.request<T>('DELETE', path);
}

/** Query string from defined values. */
export function qs(params: Record<string, string | number | boolean | undefined>): string {
  const entries = Object.entries(params).filter(([, v]) => v !== undefined && v !== '');
  return entries.length ? `?${entries.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(String(v))}`).join('&')}` : '';
}
