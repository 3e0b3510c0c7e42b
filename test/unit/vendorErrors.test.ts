/**
 * Each vendor's wire-error mapper against every documented error body (vendor-docs/*.txt and
 * notes/vendors-real-world.md): status + body in, our error class, message and facts out.
 */
import type { ErrorFacts, SwitchboardError, VendorKey } from '../../src/errors';
import type { UpstreamResponse } from '../../src/upstream/types';
import { ameyoError } from '../../src/vendors/ameyo/errors';
import { appsApiError } from '../../src/vendors/apps-api/errors';
import { campaignApiError } from '../../src/vendors/campaign-api/errors';

type Mapper = (res: UpstreamResponse, facts: ErrorFacts) => SwitchboardError;

interface Row {
  /** What the case is, for the test name. */
  name: string;
  status: number;
  /** The body as it travels: objects and bare strings are JSON-encoded, `raw` is sent as is. */
  body: unknown;
  raw?: boolean;
  headers?: Record<string, string>;
  code: string;
  message: string;
  /** Facts beyond vendor/connectionId/route/upstreamStatus. */
  facts: Partial<ErrorFacts>;
}

const MAPPERS: Record<VendorKey, Mapper> = { 'apps-api': appsApiError, ameyo: ameyoError, 'campaign-api': campaignApiError };

function response(row: Row): UpstreamResponse {
  const text = row.raw ? String(row.body) : JSON.stringify(row.body);
  return { status: row.status, headers: row.headers ?? {}, body: Buffer.from(text, 'utf8') };
}

const HTML_500 = '<html><head><title>500 Internal Server Error</title></head><body><h1>Internal Server Error</h1></body></html>';

const TABLE: Record<VendorKey, Row[]> = {
  // notes §1 "Response and error conventions": `{"message": "<text>"}`; apps-api.txt response-code tables.
  'apps-api': [
    { name: '400 call validation', status: 400, body: { message: 'Agent is not available to take this call' }, code: 'BAD_USER_INPUT', message: 'Agent is not available to take this call', facts: {} },
    { name: '400 unknown menu', status: 400, body: { message: 'menu_id 9999 is not found' }, code: 'BAD_USER_INPUT', message: 'menu_id 9999 is not found', facts: {} },
    {
      name: '400 page size (apps-api.txt "Users")',
      status: 400,
      body: { message: 'Invalid page size request - check to ensure the max page size is a valid integer less than 1000' },
      code: 'BAD_USER_INPUT',
      message: 'Invalid page size request - check to ensure the max page size is a valid integer less than 1000',
      facts: {},
    },
    {
      name: '422 with a message',
      status: 422,
      body: { message: 'param is missing or the value is empty: identifier' },
      code: 'BAD_USER_INPUT',
      message: 'param is missing or the value is empty: identifier',
      facts: {},
    },
    { name: '404 Not Found', status: 404, body: { message: 'Not Found' }, code: 'NOT_FOUND', message: 'Not Found', facts: {} },
    { name: '404 with no body', status: 404, body: '', raw: true, code: 'NOT_FOUND', message: 'apps-api has no such record', facts: {} },
    { name: '400 with no body', status: 400, body: '', raw: true, code: 'BAD_USER_INPUT', message: 'apps-api refused the request (HTTP 400)', facts: {} },
    {
      name: '401 Unauthorized',
      status: 401,
      body: { message: 'Unauthorized' },
      code: 'UPSTREAM_ERROR',
      message: "apps-api refused the connection's credentials (HTTP 401): Unauthorized",
      facts: { retryable: false },
    },
    {
      name: '403 with a message',
      status: 403,
      body: { message: 'Forbidden' },
      code: 'UPSTREAM_ERROR',
      message: "apps-api refused the connection's credentials (HTTP 403): Forbidden",
      facts: { retryable: false },
    },
    {
      name: '429 with Retry-After: 1',
      status: 429,
      body: { message: 'Too Many Requests' },
      headers: { 'retry-after': '1' },
      code: 'RATE_LIMITED',
      message: 'apps-api is rate limiting this connection: Too Many Requests',
      facts: { retryable: true, retryAfterMs: 1_000 },
    },
    {
      name: '429 with Retry-After: 7',
      status: 429,
      body: { message: 'Too Many Requests' },
      headers: { 'retry-after': '7' },
      code: 'RATE_LIMITED',
      message: 'apps-api is rate limiting this connection: Too Many Requests',
      facts: { retryable: true, retryAfterMs: 7_000 },
    },
    {
      name: '429 without Retry-After',
      status: 429,
      body: { message: 'Too Many Requests' },
      code: 'RATE_LIMITED',
      message: 'apps-api is rate limiting this connection: Too Many Requests',
      facts: { retryable: true, retryAfterMs: 1_000 },
    },
    {
      name: '503',
      status: 503,
      body: { message: 'Internal Server Error' },
      code: 'UPSTREAM_UNAVAILABLE',
      message: 'apps-api is unavailable (HTTP 503): Internal Server Error',
      facts: { retryable: true },
    },
    { name: '502 HTML page', status: 502, body: HTML_500, raw: true, code: 'UPSTREAM_UNAVAILABLE', message: 'apps-api is unavailable (HTTP 502)', facts: { retryable: true } },
    { name: '500', status: 500, body: { message: 'Internal Server Error' }, code: 'UPSTREAM_ERROR', message: 'apps-api answered HTTP 500: Internal Server Error', facts: { retryable: true } },
    { name: '500 HTML page', status: 500, body: HTML_500, raw: true, code: 'UPSTREAM_ERROR', message: 'apps-api answered HTTP 500', facts: { retryable: true } },
    { name: '418 plain text', status: 418, body: "I'm a teapot", raw: true, code: 'UPSTREAM_ERROR', message: "apps-api answered HTTP 418: I'm a teapot", facts: { retryable: false } },
  ],
  ameyo: [
    // CMS / data-engine ExceptionBody: the Agent Presence API error table (ameyo-contact-management-and-presence.txt).
    {
      name: 'CONF-1001 400',
      status: 400,
      body: { statusCode: 400, status: 'Bad Request', errorCode: 'CONF-1001', errorMessage: 'Invalid input or malformed request.' },
      code: 'BAD_USER_INPUT',
      message: 'Invalid input or malformed request.',
      facts: { upstreamCode: 'CONF-1001' },
    },
    {
      name: 'CONF-1002 401',
      status: 401,
      body: { statusCode: 401, status: 'Unauthorized', errorCode: 'CONF-1002', errorMessage: 'Authentication token is missing or invalid.' },
      code: 'UPSTREAM_ERROR',
      message: "ameyo refused the connection's credentials (HTTP 401): Authentication token is missing or invalid.",
      facts: { upstreamCode: 'CONF-1002', retryable: false },
    },
    {
      name: 'CONF-1003 403',
      status: 403,
      body: { statusCode: 403, status: 'Forbidden', errorCode: 'CONF-1003', errorMessage: 'Access denied.' },
      code: 'UPSTREAM_ERROR',
      message: "ameyo refused the connection's credentials (HTTP 403): Access denied.",
      facts: { upstreamCode: 'CONF-1003', retryable: false },
    },
    {
      name: 'CONF-1004 404',
      status: 404,
      body: { statusCode: 404, status: 'Not Found', errorCode: 'CONF-1004', errorMessage: "Object doesn't exist." },
      code: 'NOT_FOUND',
      message: "Object doesn't exist.",
      facts: { upstreamCode: 'CONF-1004' },
    },
    {
      name: 'CONF-1005 500',
      status: 500,
      body: { statusCode: 500, status: 'Internal Server Error', errorCode: 'CONF-1005', errorMessage: 'An unexpected error occurred on the server.' },
      code: 'UPSTREAM_ERROR',
      message: 'ameyo answered HTTP 500: An unexpected error occurred on the server.',
      facts: { upstreamCode: 'CONF-1005', retryable: true },
    },
    {
      name: 'CONF-1005 shape on a 503',
      status: 503,
      body: { statusCode: 503, status: 'Service Unavailable', errorCode: 'CONF-1005', errorMessage: 'An unexpected error occurred on the server.' },
      code: 'UPSTREAM_UNAVAILABLE',
      message: 'ameyo is unavailable (HTTP 503): An unexpected error occurred on the server.',
      facts: { upstreamCode: 'CONF-1005', retryable: true },
    },
    {
      name: 'ExceptionBody 429 (simulator assumption CONF-1429)',
      status: 429,
      headers: { 'retry-after': '2' },
      body: { statusCode: 429, status: 'Too Many Requests', errorCode: 'CONF-1429', errorMessage: 'Rate limit exceeded.' },
      code: 'RATE_LIMITED',
      message: 'ameyo is rate limiting this connection: Rate limit exceeded.',
      facts: { upstreamCode: 'CONF-1429', retryable: true, retryAfterMs: 2_000 },
    },
    // App server RESTAPIErrorResponseEntity (notes §3): `{message, code, info, status}`.
    {
      name: 'app server 401 with the key in message',
      status: 401,
      body: { message: 'invalid.authentication.token', code: 909090, info: 'Authentication token is invalid', status: 401 },
      code: 'UPSTREAM_ERROR',
      message: "ameyo refused the connection's credentials (HTTP 401): invalid.authentication.token",
      facts: { upstreamCode: '909090', retryable: false },
    },
    {
      name: 'app server 512 with an empty message and the key in info',
      status: 512,
      body: { message: '', code: 909090, info: 'user.not.found', status: 512 },
      code: 'UPSTREAM_ERROR',
      message: 'ameyo answered HTTP 512: user.not.found',
      facts: { upstreamCode: '909090', retryable: true },
    },
    {
      name: 'app server 404 with a null message and the key in info',
      status: 404,
      body: { message: null, code: 404, info: 'user.not.found', status: 404 },
      code: 'NOT_FOUND',
      message: 'user.not.found',
      facts: { upstreamCode: '404' },
    },
    {
      name: 'app server 403 with neither message nor info text',
      status: 403,
      body: { message: '', code: 403, info: null, status: 403 },
      code: 'UPSTREAM_ERROR',
      message: "ameyo refused the connection's credentials (HTTP 403)",
      facts: { upstreamCode: '403', retryable: false },
    },
    // Web-access commands (notes §3c): `{status: "error", reason, details}`.
    {
      name: 'web-access 400 {status:"error", reason}',
      status: 400,
      body: { status: 'error', reason: 'Invalid session Id', details: 'Invalid session Id' },
      code: 'BAD_USER_INPUT',
      message: 'Invalid session Id',
      facts: {},
    },
    {
      name: 'web-access 401 {status:"error", reason}',
      status: 401,
      body: { status: 'error', reason: 'Invalid session Id', details: 'Invalid session Id' },
      code: 'UPSTREAM_ERROR',
      message: "ameyo refused the connection's credentials (HTTP 401): Invalid session Id",
      facts: { retryable: false },
    },
    // "Some endpoints also throw a bare uncaught 500, possibly as an HTML page" (notes §3).
    { name: 'bare HTML 500', status: 500, body: HTML_500, raw: true, code: 'UPSTREAM_ERROR', message: 'ameyo answered HTTP 500', facts: { retryable: true } },
    { name: 'plain-text 502', status: 502, body: 'Bad Gateway', raw: true, code: 'UPSTREAM_UNAVAILABLE', message: 'ameyo is unavailable (HTTP 502): Bad Gateway', facts: { retryable: true } },
  ],
  // Bare JSON strings (notes §2 "Error body"; campaign-api-9443.txt lists 400 and 500).
  'campaign-api': [
    { name: '400 bare string', status: 400, body: 'The information sent is invalid.', code: 'BAD_USER_INPUT', message: 'The information sent is invalid.', facts: {} },
    {
      name: '401 bare string',
      status: 401,
      body: 'Authentication token is invalid',
      code: 'UPSTREAM_ERROR',
      message: "campaign-api refused the connection's credentials (HTTP 401): Authentication token is invalid",
      facts: { retryable: false },
    },
    { name: '500 bare string', status: 500, body: 'Internal server error', code: 'UPSTREAM_ERROR', message: 'campaign-api answered HTTP 500: Internal server error', facts: { retryable: true } },
    {
      name: '500 unquoted text',
      status: 500,
      body: 'Internal server error\n',
      raw: true,
      code: 'UPSTREAM_ERROR',
      message: 'campaign-api answered HTTP 500: Internal server error',
      facts: { retryable: true },
    },
    {
      name: '503 bare string',
      status: 503,
      body: 'Internal server error',
      code: 'UPSTREAM_UNAVAILABLE',
      message: 'campaign-api is unavailable (HTTP 503): Internal server error',
      facts: { retryable: true },
    },
    { name: '404 bare string', status: 404, body: 'Not found', code: 'NOT_FOUND', message: 'Not found', facts: {} },
    {
      name: '429 bare string with Retry-After: 1',
      status: 429,
      body: 'Too many requests',
      headers: { 'retry-after': '1' },
      code: 'RATE_LIMITED',
      message: 'campaign-api is rate limiting this connection: Too many requests',
      facts: { retryable: true, retryAfterMs: 1_000 },
    },
    { name: '400 {"message"} object', status: 400, body: { message: 'campaign not found' }, code: 'BAD_USER_INPUT', message: 'campaign not found', facts: {} },
    { name: '400 {"error"} object', status: 400, body: { error: 'bad date range' }, code: 'BAD_USER_INPUT', message: 'bad date range', facts: {} },
    { name: '500 HTML page', status: 500, body: HTML_500, raw: true, code: 'UPSTREAM_ERROR', message: 'campaign-api answered HTTP 500', facts: { retryable: true } },
    { name: '500 over-long text is not echoed', status: 500, body: 'x'.repeat(501), code: 'UPSTREAM_ERROR', message: 'campaign-api answered HTTP 500', facts: { retryable: true } },
    { name: '401 empty body', status: 401, body: '', raw: true, code: 'UPSTREAM_ERROR', message: "campaign-api refused the connection's credentials (HTTP 401)", facts: { retryable: false } },
  ],
};

const CASES = (Object.keys(TABLE) as VendorKey[]).flatMap((vendor) => TABLE[vendor].map((row) => ({ vendor, ...row })));

describe.each(Object.keys(TABLE) as VendorKey[])('%s error bodies', (vendor) => {
  it.each(TABLE[vendor])('$name -> $code', (row) => {
    const base: ErrorFacts = { vendor, connectionId: 'conn-1', route: 'someRoute' };
    const err = MAPPERS[vendor](response(row), { ...base, upstreamStatus: row.status });
    expect({ code: err.code, message: err.message }).toEqual({ code: row.code, message: row.message });
    // A vendor 429 means the vendor did not act: the request counts as never sent (idempotency).
    expect(err.facts).toEqual({ ...base, upstreamStatus: row.status, ...row.facts, ...(row.code === 'RATE_LIMITED' ? { notSent: true } : {}) });
    // `route` and `notSent` are internal and never reach the client
    const { route: _route, notSent: _notSent, ...visible } = err.facts;
    expect(err.extensions()).toEqual({ code: row.code, ...visible });
    expect(err.extensions()).not.toHaveProperty('route');
  });
});

describe('the table', () => {
  it('covers every documented status for each vendor', () => {
    const statuses = (v: VendorKey) => [...new Set(TABLE[v].map((r) => r.status))].sort((a, b) => a - b);
    expect(statuses('apps-api')).toEqual(expect.arrayContaining([400, 401, 404, 429, 503]));
    expect(statuses('campaign-api')).toEqual(expect.arrayContaining([400, 401, 500]));
    const codes = TABLE.ameyo.map((r) => r.facts.upstreamCode).filter(Boolean);
    expect(codes).toEqual(expect.arrayContaining(['CONF-1001', 'CONF-1002', 'CONF-1003', 'CONF-1004', 'CONF-1005']));
    expect(CASES.length).toBeGreaterThan(40);
  });
});
