/**
 * The gateway's HTTP server: the tenants and their vendor connections, Apollo, and the routes table.
 *
 *   GET  /graphql (browser)  the GraphQL IDE page, no auth (the IDE's own requests carry the key)
 *   GET  /ide/*              the IDE's assets, from node_modules
 *   *    /graphql            API key -> tenant (401 UNAUTHENTICATED otherwise), then Apollo
 *   GET  /graphql (upgrade)  graphql-ws subscriptions (src/http/live.ts), the caller in `connection_init`
 *   POST /graphql/stream     graphql-sse subscriptions (distinct connections mode), the caller as on /graphql
 *   GET  /files/...          downloads (upload error reports, recordings) under the caller's key
 *   GET  /healthz            the process is up
 *   GET  /readyz             config loaded, vendors and state store reachable, not draining (see readiness.ts)
 *   GET  /metrics            Prometheus (see metricsRoute.ts for who may read it)
 *   ...                      the vendors' own routes (`httpRoutes`: Ameyo's CRM URLs and SSO API)
 *
 * Every route sits behind the one error boundary of src/http/router.ts.
 */
import http from 'node:http';
import path from 'node:path';
import type { Logger } from 'pino';
import type { Config } from '../config/schema';
import type { Tenant, VendorAdapter } from '../domain/types';
import { createReadiness } from '../readiness';
import { openStateStore, type StateStore } from '../state';
import { observeRequests } from '../telemetry/httpServer';
import { PoolRegistry } from '../upstream/transport';
import { createAdapter } from '../vendors';
import { VENDORS } from '../vendors/registry';
import { buildSchema } from '../graphql/schema';
import type { LiveBus } from '../live/bus';
import { LiveEngine } from '../live/engine';
import { LeadImportService } from '../imports/service';
import { startApollo } from './apollo';
import { createAuthenticator } from './authenticate';
import { createCorsPolicy } from './cors';
import { createLiveTransports } from './live';
import { listen } from './listen';
import { createMetricsHandler, METRICS_PATH, metricsExposure, startMetricsListener } from './metricsRoute';
import { sendNotFound } from './respond';
import { createClientErrorListener, createRequestListener, InFlight, refuseConnect, type Route } from './router';
import { createFilesRoute } from './routes/files';
import { createGraphQLRoute } from './routes/graphql';
import { createHealthRoutes } from './routes/health';
import { createIdeRoutes, type IdeTab } from './routes/ide';

export const GRAPHQL_PATH = '/graphql';

export interface GatewayOptions {
  logger: Logger;
  /** Pre-filled in the IDE's headers editor (demo mode puts the demo key here). Default none. */
  ideDefaultHeaders?: Record<string, string>;
  /** More IDE tabs, each with its own headers (demo mode: one per demo user's token). Default none. */
  ideTabs?: readonly IdeTab[];
  /** Demo mode: /metrics answers any client (the gateway itself is on loopback). Default false. */
  demo?: boolean;
}

export interface Gateway {
  /** `http://host:port` the gateway listens on. */
  readonly url: string;
  readonly tenants: ReadonlyMap<string, Tenant>;
  /**
   * The freshness engine and the live bus (issue 17), and the bytes each open graphql-sse stream holds for its client
   * (`LiveTransports.sseBufferedBytes`), for tests and the bench.
   */
  readonly live: { readonly engine: LiveEngine; readonly bus: LiveBus; sseBufferedBytes(): number[] };
  /** CSV lead imports (issue 18), for tests and the bench. */
  readonly imports: LeadImportService;
  /**
   * Drains and stops: readiness turns 503 and new work is refused at once; requests in flight get
   * `server.shutdownGraceMs` to finish; then every socket is closed and the vendor pools with them.
   */
  close(): Promise<void>;
}

/** Every base URL of a connection, as origins (for readiness). */
function originsOf(config: Config['tenants'][number]['connections'][number]): string[] {
  const urls = 'baseUrls' in config ? Object.values(config.baseUrls) : [config.baseUrl];
  return urls.map((u) => new URL(u).origin);
}

/** A lead import's file limit: `imports.maxFileBytes`, or the other streamed CSV's (`server.uploads.maxFileBytes`). */
const importBytes = (config: Config) => config.imports.maxFileBytes ?? config.server.uploads.maxFileBytes;
/** The largest file a lead import of any tenant may send: the HTTP layer must let it through to the import's own check. */
const largestImport = (config: Config) => Math.max(importBytes(config), ...config.tenants.map((t) => t.imports.maxFileBytes ?? 0));

function buildTenants(config: Config, pools: PoolRegistry, state: StateStore) {
  const tenants = new Map<string, Tenant>();
  const origins = new Map<string, string[]>();
  for (const t of config.tenants) {
    const connections = new Map<string, VendorAdapter>();
    for (const c of t.connections) {
      connections.set(c.id, createAdapter(t.id, c, pools, { budget: state.budgetFor(t.id, c.id), responses: state.responsesFor(t.id, c.id), agentLegs: state.agentLegs }));
      origins.set(`${t.id}/${c.id}`, originsOf(c));
    }
    tenants.set(t.id, { id: t.id, connections, limits: { ...config.server.limits, ...t.limits } });
  }
  return { tenants, origins };
}

export async function startGateway(config: Config, opts: GatewayOptions): Promise<Gateway> {
  const { logger } = opts;
  const { server: serverConfig } = config;
  const state = await openStateStore(config, logger);
  const pools = new PoolRegistry();
  const { tenants, origins } = buildTenants(config, pools, state);
  const auth = createAuthenticator(config, tenants);
  // One executable schema for Apollo (HTTP) and the subscription transports (graphql-ws, graphql-sse).
  const schema = buildSchema();
  const apollo = await startApollo(config, logger, state.apq, schema);
  const rps = new Map(config.tenants.flatMap((t) => t.connections.map((c) => [`${t.id}/${c.id}`, c.rateLimit.requestsPerSecond] as const)));
  const engine = new LiveEngine({
    tenants,
    bus: state.bus,
    leases: state.leases,
    requestsPerSecond: (tenantId, connectionId) => rps.get(`${tenantId}/${connectionId}`) ?? 1,
    ...config.live,
    requestTimeoutMs: serverConfig.requestTimeoutMs,
    logger,
  });
  for (const tenant of tenants.values()) tenant.live = engine.readsFor(tenant.id);
  const imports = new LeadImportService({
    store: state.leadImports,
    dir: path.resolve(config.imports.dir ?? path.join(config.state.dataDir, 'imports')),
    tenants,
    bus: state.bus,
    imports: { ...config.imports, maxFileBytes: importBytes(config) },
    tenantLimits: new Map(config.tenants.map((t) => [t.id, t.imports])),
    requestTimeoutMs: serverConfig.requestTimeoutMs,
    logger,
  });
  const inFlight = new InFlight();
  let draining = false;
  const isDraining = () => draining;
  const cors = createCorsPolicy(config);
  const live = createLiveTransports({
    graphqlPath: GRAPHQL_PATH,
    schema,
    auth,
    cors,
    server: serverConfig,
    introspection: serverConfig.introspection,
    idempotency: state.idempotency,
    imports,
    bus: state.bus,
    engine,
    logger,
  });

  const routes: Route[] = [
    ...(serverConfig.ide
      ? createIdeRoutes({
          graphqlPath: GRAPHQL_PATH,
          ...(opts.ideDefaultHeaders ? { defaultHeaders: JSON.stringify(opts.ideDefaultHeaders, null, 2) } : {}),
          ...(opts.ideTabs ? { extraTabs: opts.ideTabs } : {}),
        })
      : []),
    live.route,
    createGraphQLRoute({ path: GRAPHQL_PATH, apollo, auth, server: serverConfig, idempotency: state.idempotency, imports, maxImportBytes: largestImport(config), cors }),
    createFilesRoute({ auth, timeoutMs: serverConfig.uploads.timeoutMs, cors, imports }),
    ...createHealthRoutes({ readiness: createReadiness(origins, state), isDraining }),
    ...VENDORS.flatMap((v) => v.httpRoutes?.({ config, tenants, state }) ?? []),
  ];
  const exposure = metricsExposure(config, { demo: opts.demo ?? false });
  if (exposure.main) {
    const serveMetrics = createMetricsHandler(exposure.main);
    // Every method, and 404 for all but GET: a remote POST must not learn from a 405 that the path exists.
    routes.push({ name: 'metrics', path: METRICS_PATH, methods: '*', handle: ({ req, res }) => (req.method === 'GET' ? serveMetrics(req, res) : sendNotFound(res)) });
  }
  const metricsListener = exposure.listener ? await startMetricsListener({ ...exposure.listener, logger }) : null;

  const server = http.createServer(
    {
      // Slow headers are cut in seconds, not Node's 60 s; the check runs every second, not every 30 s.
      headersTimeout: serverConfig.headersTimeoutMs,
      connectionsCheckingInterval: 1_000,
      // Node's cap on receiving a whole request must allow the longest one we accept (an upload). JSON
      // bodies have their own, shorter deadline (src/http/body.ts), uploads an idle timeout.
      requestTimeout: Math.max(serverConfig.requestTimeoutMs, serverConfig.uploads.timeoutMs) + 30_000,
    },
    // Every answer counted by route and status class; each request a trace span while tracing runs.
    observeRequests(createRequestListener(routes, { logger, inFlight, isDraining, cors })),
  );
  server.on('clientError', createClientErrorListener(logger));
  server.on('connect', refuseConnect);
  server.on('upgrade', live.upgrade);

  const url = await listen(server, serverConfig.host, serverConfig.port);
  // Unfinished imports of the previous run (or of a replica that stopped) resume once the gateway serves.
  imports.startWorking();

  let closing: Promise<void> | null = null;
  const close = async () => {
    draining = true;
    // Subscriptions end at once (WebSocket 1001, streams ended): clients reconnect to another replica.
    await live.close();
    // Import workers finish the step they are in (a batch's vendor call) and stop; the next process resumes from the saved cursor.
    await imports.close(serverConfig.shutdownGraceMs);
    await engine.close();
    server.closeIdleConnections();
    const idle = await inFlight.idle(serverConfig.shutdownGraceMs);
    if (!idle) logger.warn({ inFlight: inFlight.size, graceMs: serverConfig.shutdownGraceMs }, 'shutdown grace ran out; closing requests still in flight');
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeAllConnections();
    await closed;
    await metricsListener?.close();
    await apollo.stop();
    await pools.close();
    await state.close();
  };

  return {
    url,
    tenants,
    live: { engine, bus: state.bus, sseBufferedBytes: () => live.sseBufferedBytes() },
    imports,
    close: () => (closing ??= close()),
  };
}
