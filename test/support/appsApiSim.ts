/**
 * Test support for the Apps API simulator's own tests (test/sim/apps-api-*.test.ts): the default account's Basic
 * auth, the vendor's two stock error bodies, and one HTTP client over real sockets.
 */
import { APPS_API_SIM_DEFAULTS, type AppsApiSim } from '../../sim/apps-api';

export const AUTH = `Basic ${Buffer.from(`${APPS_API_SIM_DEFAULTS.subdomain}:${APPS_API_SIM_DEFAULTS.token}`).toString('base64')}`;
export const MISSING = { message: 'Missing parameter - check to ensure that the required parameters have been added' };
export const NOT_FOUND = { message: 'Not Found' };
export const iso = (ms: number) => new Date(ms).toISOString();

export interface Answer {
  status: number;
  /** The parsed JSON body; null when the body is empty. */
  body: unknown;
  headers: Headers;
}

/** A body sent as is (multipart form or a raw string), with extra headers. */
export interface RawBody {
  body: FormData | string;
  headers?: Record<string, string>;
}

/**
 * `send`, `get` and `post` against the simulator `sim()` returns (a function, so the client can be made before
 * `beforeAll` starts the simulator), authenticated as the default account. A `body` goes as JSON; `raw` as is.
 */
export function appsApiClient(sim: () => AppsApiSim) {
  const send = async (method: string, path: string, body?: unknown, raw?: RawBody): Promise<Answer> => {
    const headers: Record<string, string> = { authorization: AUTH };
    let payload: FormData | string | undefined;
    if (raw) {
      payload = raw.body;
      Object.assign(headers, raw.headers ?? {});
    } else if (body !== undefined) {
      payload = JSON.stringify(body);
      headers['content-type'] = 'application/json';
    }
    const res = await fetch(`${sim().url}${path}`, { method, headers, ...(payload === undefined ? {} : { body: payload }) });
    const text = await res.text();
    return { status: res.status, body: text === '' ? null : JSON.parse(text), headers: res.headers };
  };
  return {
    send,
    get: (path: string) => send('GET', path),
    post: (path: string, body?: unknown) => send('POST', path, body),
  };
}
