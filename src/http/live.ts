/**
 * Not public API. Subscriptions' transports (issue 17), both on the executable schema Apollo serves:
 *
 * - graphql-ws (`graphql-transport-ws` subprotocol) on the HTTP server's `upgrade` event for `/graphql` only
 *   (any other path: 404 and the socket closed). The caller is read from the `connection_init` payload's
 *   `authorization` (`Bearer <API key or token>`), by the same authenticator as HTTP: a refusal closes the
 *   socket with 4401 (no or bad credentials) or 4403 (a token without a role, or an origin the tenant does not
 *   allow) and the HTTP message as the reason.
 * - graphql-sse in its distinct connections mode on `/graphql/stream` (one HTTP request, an event stream, per
 *   subscription; `Authorization` header as on `/graphql`, refusals as there, and Apollo's CSRF prevention as there:
 *   src/http/csrf.ts). Single connection mode (stream
 *   reservations held in one replica's memory) is not served: a fleet needs no sticky sessions this way.
 *
 * Both apply the tenant's query limits (the same checks and messages as HTTP) and the caps of
 * `server.subscriptions`: connections per tenant (WebSocket close 4429, SSE 429), subscriptions per connection
 * and per tenant (the operation's error, code RATE_LIMITED), keep-alive (WebSocket pings, SSE comments), and a
 * slow consumer cut when `maxQueuedEvents` wait or `maxBufferedBytes` are unsent: WebSocket close 1013 with the
 * reason, SSE a last `next` event with that reason as its error (code SLOW_CONSUMER) and `complete`. On gateway
 * close every socket closes with 1001 and every stream ends. A query or mutation sent over either has the deadline
 * it has on `/graphql` (`server.requestTimeoutMs`); only a subscription's events are resolved without one.
 */
import type http from 'node:http';
import type { Duplex } from 'node:stream';
import { GraphQLError, getOperationAST, parse, validate, type DocumentNode, type ExecutionResult, type GraphQLFormattedError, type GraphQLSchema } from 'graphql';
import type { SubscribePayload } from 'graphql-ws';
import { useServer } from 'graphql-ws/use/ws';
import { createHandler as createSseHandler, print as printSseMessage } from 'graphql-sse';
import type { Logger } from 'pino';
import { WebSocketServer, type WebSocket } from 'ws';
import type { Config } from '../config/schema';
import type { IdempotencyRecords } from '../domain/idempotency';
import type { LeadImportService } from '../imports/service';
import { createContext, type GatewayContext, type LiveServices } from '../graphql/context';
import { createFormatError } from '../graphql/errors';
import { limitsRefusal, tokenLimitError } from '../graphql/plugins/queryLimits';
import type { LiveBus } from '../live/bus';
import type { LiveEngine } from '../live/engine';
import { liveConnectionsOpen, liveRefusals, liveSubscriptionsOpen } from '../metrics';
import { AuthenticationFailure, callerOrRefused, type Authenticator, type Caller } from './authenticate';
import { BodyTimeoutError, BodyTooLargeError, readBody } from './body';
import type { CorsPolicy } from './cors';
import { csrfRefusal } from './csrf';
import { sendGraphQLError } from './respond';
import type { Route, RouteRequest } from './router';
import { clientGone, requestDeadlineAt } from './routes/graphql';

/** Close codes and reasons a client can get (README, "Live data"). */
export const LIVE_CLOSE = {
  /** No or bad credentials in `connection_init` (graphql-ws's Unauthorized). */
  unauthorized: 4401,
  /** A token without a role, or a browser origin the tenant does not allow (graphql-ws's Forbidden). */
  forbidden: 4403,
  /** The tenant has `maxConnectionsPerTenant` connections open. */
  tooManyConnections: 4429,
  /** The client did not read its events: `maxQueuedEvents` waited, or `maxBufferedBytes` were unsent. */
  slowConsumer: 1013,
  /** The gateway is shutting down. */
  goingAway: 1001,
} as const;

export const SSE_PATH_SUFFIX = '/stream';

export const tooManyConnectionsMessage = (max: number) => `too many live connections for this tenant (max ${max})`;
export const tooManySubscriptionsMessage = (scope: 'connection' | 'tenant', max: number) => `too many subscriptions on this ${scope} (max ${max})`;
export const slowConsumerMessage = (queued: number) => `slow consumer: ${queued} events were waiting to be sent`;
export const slowConsumerBytesMessage = (bytes: number) => `slow consumer: ${bytes} bytes were waiting to be sent`;
/** `extensions.code` of the last event of a graphql-sse stream cut as a slow consumer (README, "Live data"). */
export const SLOW_CONSUMER_CODE = 'SLOW_CONSUMER';
/**
 * How long a graphql-sse stream cut as a slow consumer may take to deliver its last events before its socket is
 * destroyed: 30 s, as `ws` waits for the closing handshake of a WebSocket closed with 1013 (its `CLOSE_TIMEOUT`).
 */
export const SLOW_CONSUMER_FLUSH_MS = 30_000;

export interface LiveTransportOptions {
  graphqlPath: string;
  schema: GraphQLSchema;
  auth: Authenticator;
  cors: CorsPolicy;
  server: Config['server'];
  introspection: boolean;
  idempotency: IdempotencyRecords;
  imports: LeadImportService;
  bus: LiveBus;
  engine: LiveEngine;
  logger: Logger;
}

/** Per-tenant counts of open transports and subscriptions, shared by both protocols. */
class TenantCounts {
  private readonly connections = new Map<string, number>();
  private readonly subscriptions = new Map<string, number>();
  connectionsOf = (t: string) => this.connections.get(t) ?? 0;
  subscriptionsOf = (t: string) => this.subscriptions.get(t) ?? 0;
  addConnection(t: string, n: number) {
    const v = this.connectionsOf(t) + n;
    if (v <= 0) this.connections.delete(t);
    else this.connections.set(t, v);
  }
  addSubscription(t: string, n: number) {
    const v = this.subscriptionsOf(t) + n;
    if (v <= 0) this.subscriptions.delete(t);
    else this.subscriptions.set(t, v);
  }
}

/** What one WebSocket carries besides graphql-ws's own state. */
interface SocketState {
  socket: WebSocket;
  request: http.IncomingMessage;
  caller?: Caller;
  counted?: boolean;
  subscriptions: Set<string>;
  /**
   * The abort of each query or mutation running on the socket, by id, until its result is sent. The client's
   * `complete` or its socket closing aborts it, as a closed HTTP request does (`clientGone`): upstream calls and
   * rate-limit waits stop, and the connection's budget is not spent on an answer nobody reads.
   */
  operations: Map<string, AbortController>;
}

/** The id of a graphql-ws `complete` message, or null for any other message (or one that does not parse). */
function completedIdOf(data: Buffer): string | null {
  try {
    const message = JSON.parse(data.toString('utf8')) as { type?: unknown; id?: unknown };
    return message.type === 'complete' && typeof message.id === 'string' ? message.id : null;
  } catch {
    return null;
  }
}

/** Refusals made here (caps, parse, validation, limits): sent as they are, without their `http` extension. */
const admissionErrors = new WeakSet<GraphQLError>();
const admission = (e: GraphQLError) => (admissionErrors.add(e), e);
const rateLimited = (message: string) => admission(new GraphQLError(message, { extensions: { code: 'RATE_LIMITED' } }));

/** The document of a request, parsed and validated against the schema, or its errors. */
function prepareDocument(schema: GraphQLSchema, query: string): { document: DocumentNode } | { errors: GraphQLError[] } {
  let document: DocumentNode;
  try {
    document = parse(query);
  } catch (err) {
    const e = err as GraphQLError;
    return { errors: [new GraphQLError(e.message, { extensions: { code: 'GRAPHQL_PARSE_FAILED' } })] };
  }
  const errors = validate(schema, document);
  if (errors.length > 0) return { errors: errors.map((e) => new GraphQLError(e.message, { nodes: e.nodes, extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } })) };
  return { document };
}

export interface LiveTransports {
  /** The route of graphql-sse (`/graphql/stream`). */
  route: Route;
  /** Hands an `upgrade` of the HTTP server to graphql-ws, or refuses it. */
  upgrade(req: http.IncomingMessage, socket: Duplex, head: Buffer): void;
  /**
   * For tests: the bytes each open graphql-sse stream holds for its client, graphql-sse's unsent messages and the
   * response's unflushed bytes.
   */
  sseBufferedBytes(): number[];
  /** Closes every socket (1001) and stream. */
  close(): Promise<void>;
}

export function createLiveTransports(opts: LiveTransportOptions): LiveTransports {
  const { schema, auth, cors, server, logger, bus, engine } = opts;
  const caps = server.subscriptions;
  const counts = new TenantCounts();
  const formatError = createFormatError(logger);
  const format = (errors: readonly GraphQLError[]): GraphQLFormattedError[] =>
    errors.map((e) => {
      const f = admissionErrors.has(e) ? e.toJSON() : formatError(e.toJSON(), e);
      if (!f.extensions || !('http' in f.extensions)) return f;
      const { http: _http, ...extensions } = f.extensions;
      return { ...f, extensions };
    });
  const formatResult = (result: ExecutionResult): ExecutionResult => (result.errors ? ({ ...result, errors: format(result.errors) } as unknown as ExecutionResult) : result);

  /**
   * A query or mutation has the deadline it has over HTTP, so a rate-limit wait past it fails fast (RATE_LIMITED)
   * instead of holding the operation without bound. A subscription has none: its events are resolved for as long as
   * it runs (src/upstream/rateLimit.ts: a deadline beyond the timer range is no deadline). Only a query or mutation
   * takes the client's abort (`signal`): each upstream call joins its signal to its own timeout (`AbortSignal.any`),
   * which a signal living as long as a subscription would collect for hours; an ended subscription stops at its next
   * event anyway.
   */
  const contextFor = (caller: Caller, requestId: string, live: LiveServices, subscription: boolean, signal: AbortSignal | undefined): GatewayContext =>
    createContext(
      caller.tenant,
      { deadlineAt: subscription ? Number.MAX_SAFE_INTEGER : requestDeadlineAt(server), ...(subscription || !signal ? {} : { signal }) },
      logger.child({ reqId: requestId }),
      {
        requestId,
        principal: caller.principal,
        limits: server.uploads,
        publicBaseUrl: server.publicUrl ?? '',
        idempotency: opts.idempotency,
        imports: opts.imports,
        live,
      },
    );

  /** The refusal of a subscription document by the tenant's limits and caps, or its execution arguments. */
  const admit = (caller: Caller, payload: SubscribePayload, perConnection: number): { errors: GraphQLError[] } | { document: DocumentNode; subscription: boolean } => {
    const { tenant } = caller;
    const tooLong = tokenLimitError(payload.query, tenant.limits.maxTokens);
    if (tooLong) return { errors: [admission(tooLong)] };
    const prepared = prepareDocument(schema, payload.query);
    if ('errors' in prepared) return { errors: prepared.errors.map(admission) };
    const operation = getOperationAST(prepared.document, payload.operationName ?? undefined);
    if (!operation) return { errors: [admission(new GraphQLError('the document has no operation of that name', { extensions: { code: 'BAD_REQUEST' } }))] };
    const refusal = limitsRefusal(schema, prepared.document, operation, payload.variables ?? {}, tenant.limits, opts.introspection);
    if (refusal) return { errors: [admission(refusal)] };
    const subscription = operation.operation === 'subscription';
    if (subscription) {
      if (perConnection >= caps.maxSubscriptionsPerConnection) {
        liveRefusals.inc({ reason: 'subscription_cap' });
        return { errors: [rateLimited(tooManySubscriptionsMessage('connection', caps.maxSubscriptionsPerConnection))] };
      }
      if (counts.subscriptionsOf(tenant.id) >= caps.maxSubscriptionsPerTenant) {
        liveRefusals.inc({ reason: 'subscription_cap' });
        return { errors: [rateLimited(tooManySubscriptionsMessage('tenant', caps.maxSubscriptionsPerTenant))] };
      }
    }
    return { document: prepared.document, subscription };
  };

  // ---- graphql-ws ----
  /** graphql-ws's `extra` is `{ socket, request }`; the rest of SocketState is added on first use. */
  const stateOf = (extra: Partial<SocketState>): SocketState => {
    extra.subscriptions ??= new Set();
    extra.operations ??= new Map();
    return extra as SocketState;
  };
  const wss = new WebSocketServer({ noServer: true, maxPayload: server.maxBodyBytes });
  let socketSeq = 0;
  const wsServer = useServer<Record<string, unknown> | undefined, Partial<SocketState>>(
    {
      schema,
      connectionInitWaitTimeout: caps.connectionInitTimeoutMs,
      onConnect: async (ctx) => {
        const state = stateOf(ctx.extra);
        const authorization = ctx.connectionParams?.['authorization'];
        const headers: http.IncomingHttpHeaders = typeof authorization === 'string' ? { authorization } : {};
        const probe = { headers } as http.IncomingMessage;
        let caller: Caller;
        try {
          caller = await auth.authenticate(probe, logger);
        } catch (err) {
          if (!(err instanceof AuthenticationFailure)) throw err;
          state.socket.close(err.status === 401 ? LIVE_CLOSE.unauthorized : LIVE_CLOSE.forbidden, err.error.message);
          return false;
        }
        if (!cors.allowsWebSocket(state.request, caller.tenant.id)) {
          state.socket.close(LIVE_CLOSE.forbidden, 'this origin is not allowed for the tenant (tenants[].cors.origins)');
          return false;
        }
        if (counts.connectionsOf(caller.tenant.id) >= caps.maxConnectionsPerTenant) {
          liveRefusals.inc({ reason: 'connection_cap' });
          state.socket.close(LIVE_CLOSE.tooManyConnections, tooManyConnectionsMessage(caps.maxConnectionsPerTenant));
          return false;
        }
        // graphql-ws has no hook for a client's `complete` of a query or mutation still running (its onComplete runs
        // once the operation has finished), so the message is read here too, to abort what the client no longer wants.
        state.socket.on('message', (data: unknown) => {
          if (!Buffer.isBuffer(data) || data.length > 256 || !data.includes('"complete"')) return;
          const id = completedIdOf(data);
          if (id === null) return;
          state.operations.get(id)?.abort();
          state.operations.delete(id);
        });
        state.caller = caller;
        state.counted = true;
        counts.addConnection(caller.tenant.id, 1);
        liveConnectionsOpen.inc({ protocol: 'ws' });
        return true;
      },
      onSubscribe: (ctx, id, payload) => {
        const state = stateOf(ctx.extra);
        const caller = state.caller!;
        const admitted = admit(caller, payload, state.subscriptions.size);
        if ('errors' in admitted) return admitted.errors;
        const live: LiveServices = {
          bus,
          engine,
          maxQueuedEvents: caps.maxQueuedEvents,
          slowConsumer: (queued) => {
            liveRefusals.inc({ reason: 'slow_consumer' });
            state.socket.close(LIVE_CLOSE.slowConsumer, slowConsumerMessage(queued));
          },
        };
        if (admitted.subscription) {
          state.subscriptions.add(id);
          counts.addSubscription(caller.tenant.id, 1);
          liveSubscriptionsOpen.inc({ protocol: 'ws' });
        }
        const abort = admitted.subscription ? undefined : new AbortController();
        if (abort) state.operations.set(id, abort);
        return {
          schema,
          document: admitted.document,
          variableValues: payload.variables ?? {},
          operationName: payload.operationName ?? null,
          contextValue: contextFor(caller, `ws-${++socketSeq}-${id}`, live, admitted.subscription, abort?.signal),
        };
      },
      onNext: (ctx, id, _payload, _args, result) => {
        const state = stateOf(ctx.extra);
        state.operations.delete(id); // a query's or mutation's one result: nothing is left to abort
        if (state.socket.bufferedAmount > caps.maxBufferedBytes) {
          liveRefusals.inc({ reason: 'slow_consumer' });
          state.socket.close(LIVE_CLOSE.slowConsumer, slowConsumerBytesMessage(state.socket.bufferedAmount));
        }
        return formatResult(result);
      },
      onError: (_ctx, _id, _payload, errors) => format(errors),
      onComplete: (ctx, id) => {
        const state = stateOf(ctx.extra);
        state.operations.get(id)?.abort();
        state.operations.delete(id);
        if (state.subscriptions.delete(id) && state.caller) {
          counts.addSubscription(state.caller.tenant.id, -1);
          liveSubscriptionsOpen.dec({ protocol: 'ws' });
        }
      },
      onClose: (ctx) => {
        const state = stateOf(ctx.extra);
        for (const abort of state.operations.values()) abort.abort();
        state.operations.clear();
        if (!state.caller) return;
        for (const id of state.subscriptions) {
          state.subscriptions.delete(id);
          counts.addSubscription(state.caller.tenant.id, -1);
          liveSubscriptionsOpen.dec({ protocol: 'ws' });
        }
        if (state.counted) {
          state.counted = false;
          counts.addConnection(state.caller.tenant.id, -1);
          liveConnectionsOpen.dec({ protocol: 'ws' });
        }
      },
    },
    wss,
    caps.keepAliveMs,
  );
  const refuseUpgrade = (socket: Duplex, status: number, text: string) => {
    socket.end(`HTTP/1.1 ${status} ${text}\r\nconnection: close\r\ncontent-length: 0\r\n\r\n`);
  };

  let closing = false;
  const upgrade = (req: http.IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', () => undefined);
    const path = (req.url ?? '').split('?')[0];
    if (path !== opts.graphqlPath) return refuseUpgrade(socket, 404, 'Not Found');
    if (closing) return refuseUpgrade(socket, 503, 'Service Unavailable');
    if (!cors.allowsWebSocket(req, null)) return refuseUpgrade(socket, 403, 'Forbidden');
    wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req));
  };
  // ---- graphql-sse (distinct connections mode) ----
  /**
   * One stream: its caller, graphql-sse's stream of messages, and its backlog. graphql-sse pulls every event from the
   * subscription at once into its own queue, and the loop in the route writes one message at a time (each after the
   * last one's callback), so what waits for a slow client is `handed - written` bytes in graphql-sse's queue, seen
   * neither by the subscription's queue nor by the socket's buffer (which holds the one message being written).
   */
  interface SseStream {
    caller: Caller;
    requestId: string;
    res: http.ServerResponse;
    /** Aborted when the client goes away before the stream ended (`clientGone`, as on /graphql). */
    gone: AbortSignal;
    /** graphql-sse's messages for the client; null before the handler answers, and once the stream is cut. */
    body: AsyncGenerator<string, void, undefined> | null;
    handed: number;
    written: number;
    cut: boolean;
    /** Stops the write loop's wait for the message being written (the stream was cut). */
    stopWaiting: () => void;
  }
  const streams = new Set<SseStream>();
  /**
   * Ends the stream of a client that does not read, with the reason a WebSocket gets in its 1013 close, as the
   * protocol's own last two messages: `next` with `{ errors: [{ message, extensions: { code: SLOW_CONSUMER } }] }`,
   * then `complete`, so graphql-sse's client hands the reason to the subscriber and does not reconnect (a stream
   * that is only cut is a network error to it, retried five times by default).
   *
   * Memory stays bounded: graphql-sse's queue (the backlog) is dropped and the subscription ends at once
   * (`body.return()`); the socket's buffer holds at most the one message being written, and this last write adds a
   * fixed ~150 bytes once per stream, past which nothing more is written. A client that reads none of it within
   * `SLOW_CONSUMER_FLUSH_MS` has its socket destroyed, so it cannot hold its connection slot either.
   */
  const cutSlowConsumer = (stream: SseStream, message: string) => {
    if (stream.cut) return;
    stream.cut = true;
    liveRefusals.inc({ reason: 'slow_consumer' });
    // graphql-sse's `return` ends the subscription; letting go of its queue (and the loop's wait) lets it be collected.
    void stream.body?.return(undefined);
    stream.body = null;
    stream.stopWaiting();
    const { res } = stream;
    if (!res.headersSent || !res.writable) return void res.destroy();
    const errors = [new GraphQLError(message, { extensions: { code: SLOW_CONSUMER_CODE } })];
    res.end(printSseMessage<false, 'next'>({ event: 'next', data: { errors } }) + printSseMessage<false, 'complete'>({ event: 'complete', data: null }));
    const flushDeadline = setTimeout(() => res.destroy(), SLOW_CONSUMER_FLUSH_MS).unref();
    res.once('close', () => clearTimeout(flushDeadline));
  };
  type SseContext = GatewayContext & Record<PropertyKey, unknown>;
  const sse = createSseHandler<http.IncomingMessage, SseStream, SseContext>({
    schema,
    // No stream tokens: only the distinct connections mode is served.
    authenticate: () => null,
    onSubscribe: (req, params) => {
      const stream = req.context;
      const admitted = admit(stream.caller, { query: params.query as string, operationName: params.operationName ?? null, variables: params.variables ?? null }, 0);
      // graphql-sse's protocol: "Validation steps that run before execution of the GraphQL operation MUST report errors
      // through an accepted SSE connection by emitting `next` events" (PROTOCOL.md, distinct connections mode). A
      // stream of one result from onSubscribe is that: one `next` with the errors (formatted by onNext, as every result
      // is), then `complete`; a result with no `data` entry, as GraphQL over HTTP has for a request error. A 400 would
      // also make the library's client retry a document that can only be refused again.
      if ('errors' in admitted) {
        const refusal: ExecutionResult = { errors: admitted.errors };
        return (async function* () {
          yield refusal;
        })();
      }
      const live: LiveServices = {
        bus,
        engine,
        maxQueuedEvents: caps.maxQueuedEvents,
        slowConsumer: (queued) => cutSlowConsumer(stream, slowConsumerMessage(queued)),
      };
      if (admitted.subscription) {
        counts.addSubscription(stream.caller.tenant.id, 1);
        liveSubscriptionsOpen.inc({ protocol: 'sse' });
        stream.res.once('close', () => {
          counts.addSubscription(stream.caller.tenant.id, -1);
          liveSubscriptionsOpen.dec({ protocol: 'sse' });
        });
      }
      return {
        schema,
        document: admitted.document,
        variableValues: params.variables ?? {},
        operationName: params.operationName ?? null,
        contextValue: contextFor(stream.caller, stream.requestId, live, admitted.subscription, stream.gone) as SseContext,
      };
    },
    onNext: (_ctx, req, result) => {
      const stream = req.context;
      stream.handed += Buffer.byteLength(JSON.stringify(result));
      if (stream.handed - stream.written > caps.maxBufferedBytes) cutSlowConsumer(stream, slowConsumerBytesMessage(stream.handed - stream.written));
      return 'errors' in result && result.errors ? formatResult(result as ExecutionResult) : undefined;
    },
  });

  /** Writes graphql-sse's messages one at a time, each after the last one left (its callback), until the stream ends or is cut. */
  const pipeSse = async (stream: SseStream, body: AsyncGenerator<string, void, undefined>) => {
    const { res } = stream;
    const stopped = new Promise<void>((resolve) => {
      stream.stopWaiting = resolve;
      res.once('close', () => resolve());
    });
    for await (const message of body) {
      if (stream.cut || !res.writable) break;
      stream.written += Buffer.byteLength(message);
      const sent = new Promise<void>((resolve) => res.write(message, () => resolve()));
      await Promise.race([sent, stopped]);
    }
    if (!stream.cut && res.writable) res.end();
  };

  const route: Route = {
    name: 'graphql_stream',
    path: `${opts.graphqlPath}${SSE_PATH_SUFFIX}`,
    methods: ['GET', 'POST'],
    cors: true,
    handle: async ({ req, res, log, requestId }: RouteRequest) => {
      const caller = await callerOrRefused(auth, req, res, log);
      if (!caller) return;
      cors.allowForTenant(req, res, caller.tenant.id);
      // Apollo's CSRF prevention, as on /graphql: graphql-sse runs queries and mutations too, and its own
      // content-type check is a substring match that a cross-site `text/plain; a=application/json` passes.
      const csrf = csrfRefusal(req);
      if (csrf) return sendGraphQLError(res, csrf.status, csrf);
      if (closing) return sendGraphQLError(res, 503, { message: 'the gateway is shutting down; send the request again', code: 'SHUTTING_DOWN' }, { 'retry-after': '1' });
      const tenantId = caller.tenant.id;
      if (counts.connectionsOf(tenantId) >= caps.maxConnectionsPerTenant) {
        liveRefusals.inc({ reason: 'connection_cap' });
        return sendGraphQLError(res, 429, { message: tooManyConnectionsMessage(caps.maxConnectionsPerTenant), code: 'RATE_LIMITED' });
      }

      // graphql-sse's own body reader has no bound: the body is read here within `maxBodyBytes` and
      // `bodyTimeoutMs`, as on /graphql, and handed over as that one buffer.
      let raw: Buffer = Buffer.alloc(0);
      if (req.method === 'POST') {
        try {
          raw = await readBody(req, { maxBytes: server.maxBodyBytes, timeoutMs: server.bodyTimeoutMs });
        } catch (err) {
          if (err instanceof BodyTooLargeError) return sendGraphQLError(res, 413, { message: err.message, code: 'BAD_REQUEST' });
          if (err instanceof BodyTimeoutError) return sendGraphQLError(res, 408, { message: err.message, code: 'BAD_REQUEST' });
          throw err;
        }
      }
      const stream: SseStream = { caller, requestId, res, gone: clientGone(res), body: null, handed: 0, written: 0, cut: false, stopWaiting: () => undefined };
      counts.addConnection(tenantId, 1);
      liveConnectionsOpen.inc({ protocol: 'sse' });
      streams.add(stream);
      // Keep-alive: a comment line every `keepAliveMs` (graphql-sse's own is every 12 s), so proxies keep the stream;
      // none while bytes wait unsent (the stream is not idle then, and a stalled client would collect them).
      const ping = setInterval(() => {
        if (res.headersSent && res.writable && res.writableLength === 0) res.write(':\n\n');
      }, caps.keepAliveMs);
      res.once('close', () => {
        clearInterval(ping);
        void stream.body?.return(undefined);
        streams.delete(stream);
        counts.addConnection(tenantId, -1);
        liveConnectionsOpen.dec({ protocol: 'sse' });
      });
      const get = (key: string) => {
        const value = req.headers[key];
        return Array.isArray(value) ? value.join('\n') : value;
      };
      const [body, init] = await sse({ method: req.method!, url: req.url!, headers: { get }, body: () => raw.toString('utf8'), raw: req, context: stream });
      res.writeHead(init.status, init.statusText, init.headers);
      if (body === null || typeof body === 'string') return void res.end(body ?? undefined);
      if (stream.cut || res.destroyed) return void body.return(undefined);
      stream.body = body;
      await pipeSse(stream, body);
    },
  };

  return {
    route,
    upgrade,
    sseBufferedBytes: () => [...streams].map((s) => (s.body ? s.handed - s.written : 0) + s.res.writableLength),
    async close() {
      closing = true;
      for (const { res } of streams) res.end();
      await wsServer.dispose();
    },
  };
}
