/**
 * The HTTP server: routes, auth before anything else, Apollo for /graphql, and the operational endpoints.
 *
 *   GET  /graphql (browser)  GraphQL IDE, no auth (the IDE's own requests carry the key)
 *   GET  /ide/*              the IDE's assets, from node_modules
 *   *    /graphql            API key -> tenant (401 UNAUTHENTICATED otherwise), then Apollo
 *   GET  /files/...          downloads (upload error reports, recordings) under the caller's key
 *   GET  /healthz            the process is up
 *   GET  /readyz             config loaded and vendors reachable (see readiness.ts)
 *   GET  /metrics            Prometheus
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApolloServer, HeaderMap, type HTTPGraphQLRequest } from '@apollo/server';
import type { Logger } from 'pino';
import { createTenantResolver } from './auth';
import type { Config } from './config/schema';
import type { Tenant, VendorAdapter } from './domain/types';
import { isSwitchboardError, type SwitchboardError } from './errors';
import { createContext, type GatewayContext } from './graphql/context';
import { createFormatError, formatSwitchboardError } from './graphql/errors';
import { createPartialErrorsPlugin } from './graphql/plugins/partialErrors';
import { createQueryLimitsPlugin, tokenLimitError } from './graphql/plugins/queryLimits';
import { createRequestLogPlugin } from './graphql/plugins/requestLog';
import { buildSchema } from './graphql/schema';
import { IDE_ASSET_PREFIX, serveIdeAsset, serveIdePage } from './ide';
import { hasPreflightHeader, isMultipart, readMultipartOperations, UploadRequestError } from './uploads';
import { IdempotencyStore } from './domain/idempotency';
import { createFileRoutes } from './files';
import { registry } from './metrics';
import { createReadiness } from './readiness';
import { PoolRegistry } from './upstream/transport';
import { createAdapter } from './vendors';

export const GRAPHQL_PATH = '/graphql';

export interface GatewayOptions {
  logger: Logger;
  /** Pre-filled in the IDE's headers editor (demo mode puts the demo key here). Default none. */
  ideDefaultHeaders?: Record<string, string>;
}

export interface Gateway {
  /** `http://host:port` the gateway listens on. */
  readonly url: string;
  readonly tenants: ReadonlyMap<string, Tenant>;
  close(): Promise<void>;
}

/** Every base URL of a connection, as origins (for readiness). */
function originsOf(config: Config['tenants'][number]['connections'][number]): string[] {
  const urls = 'baseUrls' in config ? Object.values(config.baseUrls) : [config.baseUrl];
  return urls.map((u) => new URL(u).origin);
}

class BodyTooLargeError extends Error {}

async function readBody(req: http.IncomingMessage, maxBytes: number): Promise<Buffer> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > maxBytes) throw new BodyTooLargeError();
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > maxBytes) throw new BodyTooLargeError();
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

function sendJson(res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = Buffer.from(JSON.stringify(body), 'utf8');
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': String(text.length), ...headers });
  res.end(text);
}

/** A request-level failure (auth, body) answered without running GraphQL, in the GraphQL response shape. */
function sendGraphQLError(res: http.ServerResponse, status: number, error: SwitchboardError | { message: string; code: string }, headers: Record<string, string> = {}): void {
  const formatted = isSwitchboardError(error) ? formatSwitchboardError(error) : { message: error.message, extensions: { code: error.code } };
  sendJson(res, status, { errors: [formatted] }, headers);
}

function wantsHtml(req: http.IncomingMessage, url: URL): boolean {
  return req.method === 'GET' && !url.searchParams.has('query') && (req.headers.accept ?? '').includes('text/html');
}

export async function startGateway(config: Config, opts: GatewayOptions): Promise<Gateway> {
  const { logger } = opts;
  const pools = new PoolRegistry();
  const tenants = new Map<string, Tenant>();
  const origins = new Map<string, string[]>();
  for (const t of config.tenants) {
    const connections = new Map<string, VendorAdapter>();
    for (const c of t.connections) {
      connections.set(c.id, createAdapter(t.id, c, pools));
      origins.set(`${t.id}/${c.id}`, originsOf(c));
    }
    tenants.set(t.id, { id: t.id, connections, limits: { ...config.server.limits, ...t.limits } });
  }
  const tenantResolver = createTenantResolver(config.tenants.map((t) => ({ apiKeys: t.apiKeys, tenant: tenants.get(t.id)! })));
  const readiness = createReadiness(origins);
  const idempotency = new IdempotencyStore();
  const fileRoutes = createFileRoutes({ tenants: tenantResolver, logger, timeoutMs: config.server.uploads.timeoutMs });

  const apollo = new ApolloServer<GatewayContext>({
    schema: buildSchema(),
    csrfPrevention: true,
    introspection: config.server.introspection,
    // No "Did you mean ...?" in errors: suggestions leak the schema even with introspection off (OWASP).
    hideSchemaDetailsFromClientErrors: true,
    includeStacktraceInErrorResponses: false,
    // src/main.ts owns SIGINT/SIGTERM. Apollo's own handler (on unless NODE_ENV=test) raced it: both
    // stopped the server and the process never exited after serving a query.
    stopOnTerminationSignals: false,
    formatError: createFormatError(logger),
    plugins: [createQueryLimitsPlugin((ctx) => ctx.tenant.limits), createRequestLogPlugin(), createPartialErrorsPlugin()],
    logger: {
      debug: (m) => logger.debug(m),
      info: (m) => logger.info(m),
      warn: (m) => logger.warn(m),
      error: (m) => logger.error(m),
    },
  });
  await apollo.start();

  const ideHeaders = opts.ideDefaultHeaders ? JSON.stringify(opts.ideDefaultHeaders, null, 2) : undefined;

  const handleGraphQL = async (req: http.IncomingMessage, res: http.ServerResponse, url: URL) => {
    let tenant: Tenant;
    try {
      tenant = tenantResolver.resolve(req.headers.authorization);
    } catch (err) {
      if (!isSwitchboardError(err)) throw err;
      // The body is never read for an unauthenticated request; closing the connection discards it.
      return sendGraphQLError(res, 401, err, { 'www-authenticate': 'Bearer realm="switchboard"', connection: 'close' });
    }

    let body: unknown;
    const multipart = req.method === 'POST' && isMultipart(req);
    if (multipart) {
      if (!hasPreflightHeader(req)) {
        return sendGraphQLError(
          res,
          400,
          { message: 'multipart requests need an Apollo-Require-Preflight (or X-Apollo-Operation-Name) header', code: 'BAD_REQUEST' },
          { connection: 'close' },
        );
      }
      // A declared size past every limit is refused before a byte is read or sent on.
      const declared = Number(req.headers['content-length']);
      const most = config.server.uploads.maxFileBytes * config.server.uploads.maxFiles + config.server.maxBodyBytes;
      if (Number.isFinite(declared) && declared > most) {
        return sendGraphQLError(res, 413, { message: `request body is larger than ${most} bytes`, code: 'BAD_REQUEST' }, { connection: 'close' });
      }
      try {
        body = await readMultipartOperations(req, res, {
          maxFileBytes: Math.max(config.server.uploads.maxFileBytes, config.server.uploads.maxJsonFileBytes),
          maxFiles: config.server.uploads.maxFiles,
          maxFieldBytes: config.server.maxBodyBytes,
        });
      } catch (err) {
        if (!(err instanceof UploadRequestError)) throw err;
        return sendGraphQLError(res, err.status, { message: err.message, code: 'BAD_REQUEST' }, { connection: 'close' });
      }
    } else if (req.method === 'POST') {
      let raw: Buffer;
      try {
        raw = await readBody(req, config.server.maxBodyBytes);
      } catch (err) {
        if (err instanceof BodyTooLargeError) {
          return sendGraphQLError(res, 413, { message: `request body is larger than ${config.server.maxBodyBytes} bytes`, code: 'BAD_REQUEST' }, { connection: 'close' });
        }
        throw err;
      }
      const type = (req.headers['content-type'] ?? '').toLowerCase();
      if (type.startsWith('application/json') || type.startsWith('application/graphql-response+json')) {
        try {
          body = raw.length ? JSON.parse(raw.toString('utf8')) : undefined;
        } catch {
          return sendGraphQLError(res, 400, { message: 'request body is not valid JSON', code: 'BAD_REQUEST' });
        }
      } else {
        body = raw.toString('utf8');
      }
    }

    // The token limit, before Apollo parses anything (src/graphql/plugins/queryLimits.ts).
    const documentText = req.method === 'GET' ? url.searchParams.get('query') : body && typeof body === 'object' ? (body as { query?: unknown }).query : undefined;
    const tooLong = tokenLimitError(documentText, tenant.limits.maxTokens);
    if (tooLong) {
      const { http: _http, ...extensions } = tooLong.extensions;
      return sendJson(res, 400, { errors: [{ message: tooLong.message, extensions }] });
    }

    const headers = new HeaderMap();
    for (const [k, v] of Object.entries(req.headers)) {
      if (v !== undefined) headers.set(k, Array.isArray(v) ? v.join(', ') : v);
    }
    const abort = new AbortController();
    res.on('close', () => {
      if (!res.writableFinished) abort.abort();
    });
    const httpGraphQLRequest: HTTPGraphQLRequest = { method: req.method ?? 'GET', headers, search: url.search, body };
    const result = await apollo.executeHTTPGraphQLRequest({
      httpGraphQLRequest,
      context: async () =>
        createContext(tenant, { deadlineAt: Date.now() + (multipart ? config.server.uploads.timeoutMs : config.server.requestTimeoutMs), signal: abort.signal }, logger, {
          limits: config.server.uploads,
          publicBaseUrl: config.server.publicUrl ?? `http://${req.headers.host ?? `${config.server.host}:${config.server.port}`}`,
          idempotency,
        }),
    });
    const outHeaders: Record<string, string> = {};
    for (const [k, v] of result.headers) outHeaders[k] = v;
    if (result.body.kind === 'complete') {
      const text = Buffer.from(result.body.string, 'utf8');
      res.writeHead(result.status ?? 200, { ...outHeaders, 'content-length': String(text.length) });
      res.end(text);
    } else {
      res.writeHead(result.status ?? 200, outHeaders);
      for await (const chunk of result.body.asyncIterator) res.write(chunk);
      res.end();
    }
  };

  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://gateway.invalid');
    const route = async () => {
      if (url.pathname === GRAPHQL_PATH) {
        if (config.server.ide && wantsHtml(req, url)) {
          return serveIdePage(res, { graphqlPath: GRAPHQL_PATH, ...(ideHeaders ? { defaultHeaders: ideHeaders } : {}) });
        }
        return handleGraphQL(req, res, url);
      }
      if (req.method === 'GET' && url.pathname.startsWith(IDE_ASSET_PREFIX) && config.server.ide) {
        if (serveIdeAsset(url.pathname.slice(IDE_ASSET_PREFIX.length), res)) return;
      }
      if (await fileRoutes(req, res, url)) return;
      if (req.method === 'GET' && url.pathname === '/healthz') return sendJson(res, 200, { status: 'ok' });
      if (req.method === 'GET' && url.pathname === '/readyz') {
        const report = await readiness.check();
        return sendJson(res, report.ready ? 200 : 503, report);
      }
      if (req.method === 'GET' && url.pathname === '/metrics') {
        const text = await registry.metrics();
        res.writeHead(200, { 'content-type': registry.contentType });
        return res.end(text);
      }
      req.resume();
      return sendJson(res, 404, { error: 'not found' });
    };
    route().catch((err: unknown) => {
      logger.error({ err, path: url.pathname }, 'request failed');
      if (!res.headersSent) sendGraphQLError(res, 500, { message: 'Internal server error', code: 'INTERNAL' });
      else res.destroy();
    });
  });
  // Node's own cap on a whole request must allow the longest one we accept (an upload).
  server.requestTimeout = Math.max(config.server.requestTimeoutMs, config.server.uploads.timeoutMs) + 30_000;
  server.headersTimeout = 30_000;

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.server.port, config.server.host, () => resolve());
  });
  const address = server.address() as AddressInfo;
  const host = config.server.host === '0.0.0.0' || config.server.host === '::' ? '127.0.0.1' : config.server.host;
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${address.port}`;

  return {
    url,
    tenants,
    close: async () => {
      server.closeIdleConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await apollo.stop();
      await pools.close();
    },
  };
}
