/**
 * The config file's shape, with every default in one place. Code behind this module reads a fully
 * resolved `Config` and never needs `?? default`. README.md "Config reference" documents each field.
 */
import { z } from 'zod';
import { VENDORS, type Registry } from '../vendors/registry';
import { url } from './connection';

/**
 * One connection: the registered vendors' schemas (`src/vendors/<key>/config.ts`, listed in
 * src/vendors/registry.ts), told apart by `vendor`.
 */
export const connectionSchema = z.discriminatedUnion('vendor', VENDORS.map((v) => v.connection) as unknown as ConnectionSchemas<Registry>);
/** The registry's tuple of modules as the tuple of their schemas, which the union's type is built from. */
type ConnectionSchemas<T extends readonly unknown[]> = { -readonly [I in keyof T]: T[I] extends { connection: infer S } ? S : never };

/**
 * Who may read GET /metrics (src/http/metricsRoute.ts#metricsExposure). The series name every tenant and
 * connection id, so by default only loopback clients get an answer (demo mode, itself on loopback, is open).
 * `port` moves /metrics to a listener of its own at `host:port` (and off the main port); `token` makes every
 * scrape send `Authorization: Bearer <token>`, on whichever listener serves it.
 */
const metrics = z
  .object({
    /** Address of the metrics listener; only with `port`. Default 127.0.0.1. */
    host: z.string().min(1, 'must not be empty').optional(),
    /** Serve /metrics on its own listener at `host:port`, and not on the main port. Default none (main port, loopback clients only). */
    port: z.number().int().min(0).max(65_535).optional(),
    /** Required as `Authorization: Bearer <token>`; at least 16 characters. Default none. */
    token: z
      .string()
      .min(16, 'must be at least 16 characters')
      .refine((s) => !/[\r\n\0]/.test(s), 'must not contain a line break or NUL (a trailing newline from a secret file?)')
      // A bearer credential is one run of visible characters (RFC 6750 §2.1): a space could never be presented.
      .refine((s) => /[\r\n\0]/.test(s) || /^[\x21-\x7e]*$/.test(s), 'must be visible ASCII characters, no spaces')
      .optional(),
  })
  .strict()
  .refine((m) => m.host === undefined || m.port !== undefined, { message: "host needs port (host is the metrics listener's address)", path: ['host'] })
  .transform(({ host, ...rest }) => ({ host: host ?? '127.0.0.1', ...rest }));

/** A browser origin: `scheme://host[:port]` exactly as the browser sends it in `Origin`, or `*` for any. */
const corsOrigin = z.string().refine((s) => {
  if (s === '*') return true;
  try {
    const u = new URL(s);
    return (u.protocol === 'http:' || u.protocol === 'https:') && u.origin === s;
  } catch {
    return false;
  }
}, 'expected an origin such as "https://app.example.com" (scheme, host and port; no path or trailing slash), or "*"');
const corsOrigins = z.array(corsOrigin).max(1000);

/**
 * CORS for browser apps on other origins (src/http/cors.ts). Off by default: no origin listed, no CORS
 * headers, and a preflight is refused.
 */
const cors = z
  .object({
    /** Origins whose pages may call /graphql and /files. Default none. */
    origins: corsOrigins.default([]),
    /** Let pages send cookies or HTTP auth (`Access-Control-Allow-Credentials: true`). Default false. */
    allowCredentials: z.boolean().default(false),
    /** How long a browser may reuse a preflight's answer (`Access-Control-Max-Age`). Default 600 s (Chromium caps it at 7,200). */
    maxAgeSeconds: z.number().int().min(0).max(86_400).default(600),
  })
  .strict()
  .refine((c) => !(c.allowCredentials && c.origins.includes('*')), {
    message: 'origins "*" cannot be combined with allowCredentials (browsers refuse it): list the origins',
    path: ['origins'],
  });
export const DEFAULT_CORS = { origins: [], allowCredentials: false, maxAgeSeconds: 600 };

/** Query limits (src/graphql/plugins/queryLimits.ts). Defaults after GraphQL Armor's, depth and cost sized to this schema. */
const limitsShape = {
  /** Deepest field nesting. Default 10. */
  maxDepth: z.number().int().positive().max(100),
  /** Most aliases in one operation. Default 10 (each can fan out into vendor calls). */
  maxAliases: z.number().int().min(0).max(1000),
  /** Most directives. Default 50. */
  maxDirectives: z.number().int().min(0).max(1000),
  /** Most lexer tokens in the document. Default 2000. */
  maxTokens: z.number().int().positive().max(100_000),
  /** Highest cost: objects times the `first` of the lists above them. Default 5000. */
  maxCost: z.number().int().positive().max(10_000_000),
  /** Most items in any list argument (`nodes(ids:)`, filter id lists, DNC entries), literal or from variables. Default 100. */
  maxListLength: z.number().int().positive().max(100_000),
  /** Most mutations that take an `idempotencyKey` (callDial, callDispose, callDisposeAndDial) in one request. Default 1. */
  maxIdempotentMutations: z.number().int().min(0).max(100),
  /** Most field selections written in the document, repeats counted. Default 250 (graphql-js's full introspection query has 67). */
  maxFields: z.number().int().positive().max(100_000),
};
export const DEFAULT_LIMITS = { maxDepth: 10, maxAliases: 10, maxDirectives: 50, maxTokens: 2000, maxCost: 5000, maxListLength: 100, maxIdempotentMutations: 1, maxFields: 250 };

/** Limits on CSV lead imports (issue 18), per tenant: `imports` for all, `tenants[].imports` to override. */
const importLimitsShape = {
  /** Largest CSV file one import takes. Default `server.uploads.maxFileBytes` (256 MiB): the other streamed CSV's limit. */
  maxFileBytes: z.number().int().positive().max(68_719_476_736),
  /** Most data rows in one file. Default 1,000,000. */
  maxRows: z.number().int().positive().max(100_000_000),
  /** Most jobs a tenant may have queued or running at once; one more is refused until one ends. Default 4. */
  maxActiveJobs: z.number().int().positive().max(1_000),
};
export const DEFAULT_IMPORT_LIMITS = { maxRows: 1_000_000, maxActiveJobs: 4 } as const;

/** Idempotency records (src/domain/idempotency.ts): kept per tenant, never evicted before their retention ends. */
const idempotencyShape = {
  /** How long a record keeps its answer; a repeat of its key inside this window never reaches the vendor. Default 24 (as Stripe). */
  retentionHours: z.number().positive().max(720),
  /** Most records one tenant may hold; past it a new key is RATE_LIMITED until the oldest expires. Default 10000. */
  maxKeysPerTenant: z.number().int().positive().max(10_000_000),
};
export const DEFAULT_IDEMPOTENCY = { retentionHours: 24, maxKeysPerTenant: 10_000 };

/** Signature algorithms a tenant may allow: asymmetric only (never `none`, never HMAC: RFC 8725 §2.1). */
const JWT_ALGORITHMS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA'] as const;

/** A dotted path into the token's claims, e.g. `roles` or `realm_access.roles`. */
const claimPath = z.string().regex(/^[A-Za-z0-9_:-]+(\.[A-Za-z0-9_:-]+)*$/, 'expected a claim name or a dotted path such as "realm_access.roles"');

/**
 * End users' JWTs from the tenant's identity provider (src/identity/jwt.ts). The tenant of a token is the
 * one whose `issuer` and one of whose `audiences` it names; the config refuses two tenants that overlap.
 */
const jwtAuth = z
  .object({
    /** The `iss` of the tenant's tokens, exactly. */
    issuer: z.string().min(1, 'must not be empty'),
    /** Accepted `aud` values; a token must name at least one. */
    audiences: z.array(z.string().min(1, 'must not be empty')).min(1, 'must list at least one audience'),
    /** Where the signing keys are: the identity provider's JWKS URL, or a JWKS file. */
    jwks: z.union([z.object({ url }).strict(), z.object({ file: z.string().min(1, 'must not be empty') }).strict()]),
    /** How often the JWKS is fetched again; an unknown `kid` fetches it at once (at most every 30 s). Default 600. */
    pollIntervalSeconds: z.number().int().min(10).max(86_400).default(600),
    /** Accepted signature algorithms. Default RS256, ES256, EdDSA. */
    algorithms: z
      .array(z.enum(JWT_ALGORITHMS, { message: 'must be an asymmetric algorithm (RS*, PS*, ES*, EdDSA): never none or HMAC' }))
      .min(1)
      .default(['RS256', 'ES256', 'EdDSA']),
    /** Tolerance for `exp` and `nbf` against our clock. Default 30 s. */
    clockSkewSeconds: z.number().int().min(0).max(300).default(30),
    /** Where the claims are. */
    claims: z
      .object({
        /** The role names (a list, or a space-separated string). Default `roles`. */
        roles: claimPath.default('roles'),
        /** The caller's vendor agent: one id for every connection, or `{ connectionId: id }`. Default `agent_id`. */
        agent: claimPath.default('agent_id'),
        /** The caller's email. Default `email`. */
        email: claimPath.default('email'),
      })
      .strict()
      .default({ roles: 'roles', agent: 'agent_id', email: 'email' }),
    /** Role names in the token that mean each of our roles; the highest one held wins. Default: the same names. */
    roles: z
      .object({
        agent: z.array(z.string().min(1)).default(['agent']),
        supervisor: z.array(z.string().min(1)).default(['supervisor']),
        admin: z.array(z.string().min(1)).default(['admin']),
      })
      .strict()
      .default({ agent: ['agent'], supervisor: ['supervisor'], admin: ['admin'] }),
    /** Also read the token from this cookie (after `Authorization`). Default none. */
    cookie: z
      .string()
      .regex(/^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/, 'expected a cookie name (RFC 6265 token characters)')
      .optional(),
  })
  .strict();
export type JwtAuthConfig = z.output<typeof jwtAuth>;

const tenantAuth = z
  .object({
    jwt: jwtAuth.optional(),
    /** Each user's vendor agent per connection, by the token's `sub` or email: `{ "<sub>": { "<connectionId>": "<agent id>" } }`. */
    agents: z.record(z.string().min(1), z.record(z.string().min(1), z.string().min(1))).default({}),
  })
  .strict()
  .default({ agents: {} });

export const tenantSchema = z
  .object({
    id: z.string().regex(/^[a-z0-9][a-z0-9_-]{0,62}$/, 'expected lowercase letters, digits, "-" or "_" (1-63 characters)'),
    /** Keys that select this tenant (`Authorization: Bearer <key>`). At least 16 characters each, no whitespace. */
    apiKeys: z
      .array(
        z
          .string()
          .min(16, 'must be at least 16 characters')
          // A bearer credential is one run of visible characters (RFC 6750 §2.1): a key with a space or a
          // trailing newline from a secret file would load and then never match (issue 11, item 8).
          .refine((s) => !/\s/.test(s), 'must not contain whitespace or a line break (a trailing newline from a secret file?)')
          // A credential shaped like a JWT is checked as a token (src/http/authenticate.ts), never as a key.
          .refine((s) => !/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/.test(s), 'must not look like a JWT (three base64url parts joined by dots): it would be checked as a token'),
      )
      .min(1, 'must list at least one key'),
    /** Overrides of `server.limits` for this tenant. */
    limits: z.object(limitsShape).partial().strict().default({}),
    /** Overrides of `server.idempotency` for this tenant. */
    idempotency: z.object(idempotencyShape).partial().strict().default({}),
    /** Overrides of `imports` limits for this tenant. */
    imports: z.object(importLimitsShape).partial().strict().default({}),
    /** End users' tokens and their agents (src/identity/). Default: API keys only. */
    auth: tenantAuth,
    /** This tenant's browser origins, instead of `server.cors.origins`. Default: the server's. */
    cors: z.object({ origins: corsOrigins }).strict().optional(),
    connections: z.array(connectionSchema).default([]),
  })
  .strict();

/** A Redis URL (`redis://` or `rediss://`); its password may be in it and is never printed. */
const redisUrl = z.string().refine((s) => {
  try {
    const u = new URL(s);
    return (u.protocol === 'redis:' || u.protocol === 'rediss:') && u.hostname !== '' && !u.search && /^\/?\d*$/.test(u.pathname);
  } catch {
    return false;
  }
}, 'expected redis://[:password@]host[:port][/db] or rediss://...');

/** Where shared and durable state lives (src/state/; docs/decisions.md, "Fleet state"). */
const state = z
  .object({
    /** The embedded store's directory: the SQLite file `state.sqlite` (idempotency records). Default ./data, from the working directory. */
    dataDir: z.string().min(1, 'must not be empty').default('./data'),
    /** Present: the fleet store. Every replica with the same Redis and key prefix shares one vendor budget, cache and records. */
    redis: z
      .object({
        url: redisUrl,
        /** Put before every key, so several gateways (or environments) can share one Redis. Default "switchboard:". */
        keyPrefix: z
          .string()
          .regex(/^[A-Za-z0-9:_.-]{1,64}$/, 'expected 1-64 of A-Z a-z 0-9 : _ . -')
          .default('switchboard:'),
        /** A command not answered in this long counts as Redis being unreachable. Default 1000 ms. */
        commandTimeoutMs: z.number().int().positive().max(60_000).default(1_000),
      })
      .strict()
      .optional(),
  })
  .strict()
  .default({ dataDir: './data' });

/** Live subscriptions (issue 17): graphql-ws on /graphql and graphql-sse on /graphql/stream. */
export const DEFAULT_SUBSCRIPTIONS = {
  maxConnectionsPerTenant: 200,
  maxSubscriptionsPerConnection: 20,
  maxSubscriptionsPerTenant: 1_000,
  keepAliveMs: 12_000,
  maxBufferedBytes: 1_048_576,
  maxQueuedEvents: 1_000,
  connectionInitTimeoutMs: 3_000,
} as const;

const subscriptions = z
  .object({
    /** WebSocket and SSE connections open at once per tenant; more are refused (4429). Default 200. */
    maxConnectionsPerTenant: z.number().int().positive().max(100_000).default(DEFAULT_SUBSCRIPTIONS.maxConnectionsPerTenant),
    /** Subscriptions open at once on one WebSocket or SSE connection. Default 20. */
    maxSubscriptionsPerConnection: z.number().int().positive().max(1_000).default(DEFAULT_SUBSCRIPTIONS.maxSubscriptionsPerConnection),
    /** Subscriptions open at once per tenant, over every connection of this replica. Default 1000. */
    maxSubscriptionsPerTenant: z.number().int().positive().max(1_000_000).default(DEFAULT_SUBSCRIPTIONS.maxSubscriptionsPerTenant),
    /** WebSocket ping interval (graphql-ws keep-alive), and SSE comment interval. Default 12 s. */
    keepAliveMs: z.number().int().min(1_000).max(600_000).default(DEFAULT_SUBSCRIPTIONS.keepAliveMs),
    /** A client that lets this many bytes pile up unsent is cut as a slow consumer (WebSocket 1013; SSE a last SLOW_CONSUMER error, then `complete`). Default 1 MiB. */
    maxBufferedBytes: z.number().int().min(1_024).default(DEFAULT_SUBSCRIPTIONS.maxBufferedBytes),
    /** A subscription whose client lets this many events wait to be sent is cut as a slow consumer (WebSocket 1013; SSE a last SLOW_CONSUMER error, then `complete`). Default 1000. */
    maxQueuedEvents: z.number().int().positive().max(1_000_000).default(DEFAULT_SUBSCRIPTIONS.maxQueuedEvents),
    /** A WebSocket that sends no `connection_init` this long after opening is closed (4408). Default 3 s. */
    connectionInitTimeoutMs: z.number().int().positive().max(60_000).default(DEFAULT_SUBSCRIPTIONS.connectionInitTimeoutMs),
  })
  .strict();

/** The freshness engine (src/live/engine.ts). */
export const DEFAULT_LIVE = { budgetShare: 0.5, queryInterestMs: 30_000, minIntervalMs: 250, leaseMs: 10_000 } as const;

const live = z
  .object({
    /** Share of each connection's requests/second its pollers may use together; interactive requests go first. Default 0.5. */
    budgetShare: z.number().gt(0).max(1).default(DEFAULT_LIVE.budgetShare),
    /** A query for a live resource keeps its poller running this long after it. Default 30 s. */
    queryInterestMs: z.number().int().min(0).max(3_600_000).default(DEFAULT_LIVE.queryInterestMs),
    /** Shortest refresh interval whatever the budget. Default 250 ms. */
    minIntervalMs: z.number().int().min(10).max(600_000).default(DEFAULT_LIVE.minIntervalMs),
    /** Fleet: the poller lease per (tenant, connection, resource), renewed at a third of it. Default 10 s. */
    leaseMs: z.number().int().min(1_000).max(600_000).default(DEFAULT_LIVE.leaseMs),
  })
  .strict()
  .default(DEFAULT_LIVE);

/** CSV lead imports (issue 18, src/imports/). */
export const DEFAULT_IMPORTS = { ...DEFAULT_IMPORT_LIMITS, leaseMs: 15_000, workers: 4 } as const;

const imports = z
  .object({
    /**
     * Where an import's uploaded file is kept until its job ends. Default `<state.dataDir>/imports`. With
     * `state.redis` (a fleet) every replica must see the same directory (a shared volume): the replica that takes
     * a job over reads the file from it.
     */
    dir: z.string().min(1, 'must not be empty').optional(),
    maxFileBytes: importLimitsShape.maxFileBytes.optional(),
    maxRows: importLimitsShape.maxRows.default(DEFAULT_IMPORTS.maxRows),
    maxActiveJobs: importLimitsShape.maxActiveJobs.default(DEFAULT_IMPORTS.maxActiveJobs),
    /** A job's lease: the process working on it renews it at a third of this; another takes the job over this long after it stops. Default 15 s. */
    leaseMs: z.number().int().min(1_000).max(600_000).default(DEFAULT_IMPORTS.leaseMs),
    /** Jobs one process works on at once (each at its connection's pace). Default 4. */
    workers: z.number().int().positive().max(64).default(DEFAULT_IMPORTS.workers),
  })
  .strict()
  .default(DEFAULT_IMPORTS);

export const configSchema = z
  .object({
    server: z
      .object({
        /** Default 0.0.0.0 for a config file; demo mode binds 127.0.0.1. */
        host: z.string().min(1).default('0.0.0.0'),
        port: z.number().int().min(0).max(65_535).default(4000),
        /** Overall deadline for one GraphQL request, queue waits included. Default 30 s. */
        requestTimeoutMs: z.number().int().positive().max(600_000).default(30_000),
        /** Largest JSON request body accepted. Default 1 MiB. */
        maxBodyBytes: z.number().int().positive().default(1_048_576),
        /** A JSON request body must have arrived this long after its headers; 408 otherwise. Default 10 s. */
        bodyTimeoutMs: z.number().int().positive().max(600_000).default(10_000),
        /** Request headers must have arrived this long after the connection's first byte (Node's `headersTimeout`). Default 10 s. */
        headersTimeoutMs: z.number().int().positive().max(600_000).default(10_000),
        /** On SIGTERM, how long requests in flight may take to finish before their sockets are closed. Default 10 s. */
        shutdownGraceMs: z.number().int().min(0).max(600_000).default(10_000),
        /** Serve the GraphQL IDE on GET /graphql. Default false (demo mode turns it on). */
        ide: z.boolean().default(false),
        uploads: z
          .object({
            /** Largest streamed file (CSV contact uploads). Default 256 MiB. */
            maxFileBytes: z.number().int().positive().default(268_435_456),
            /** Largest JSON file (bulk users, lead imports), read whole to be checked before the vendor sees it. Default 10 MiB. */
            maxJsonFileBytes: z.number().int().positive().default(10_485_760),
            /** Most files in one request. Default 1. */
            maxFiles: z.number().int().positive().max(100).default(1),
            /** Deadline of a request that carries files, and of a download. Default 30 min. */
            timeoutMs: z.number().int().positive().default(1_800_000),
            /** An upload whose client sends no byte for this long is cut. Default 30 s. */
            idleTimeoutMs: z.number().int().positive().max(600_000).default(30_000),
          })
          .strict()
          .default({ maxFileBytes: 268_435_456, maxJsonFileBytes: 10_485_760, maxFiles: 1, timeoutMs: 1_800_000, idleTimeoutMs: 30_000 }),
        /** The URL clients reach the gateway at, for download links (behind a proxy). Default: from the Host header. */
        publicUrl: url.optional(),
        /** Serve schema introspection. Default false (demo mode turns it on). */
        introspection: z.boolean().default(false),
        /**
         * How long the browser that sent a GET query (a persisted query by hash) may reuse an answer without
         * errors (`Cache-Control: private, max-age`). Default 0: `private, no-store`.
         */
        getCacheMaxAgeSeconds: z.number().int().min(0).max(3_600).default(0),
        limits: z
          .object({
            maxDepth: limitsShape.maxDepth.default(DEFAULT_LIMITS.maxDepth),
            maxAliases: limitsShape.maxAliases.default(DEFAULT_LIMITS.maxAliases),
            maxDirectives: limitsShape.maxDirectives.default(DEFAULT_LIMITS.maxDirectives),
            maxTokens: limitsShape.maxTokens.default(DEFAULT_LIMITS.maxTokens),
            maxCost: limitsShape.maxCost.default(DEFAULT_LIMITS.maxCost),
            maxListLength: limitsShape.maxListLength.default(DEFAULT_LIMITS.maxListLength),
            maxIdempotentMutations: limitsShape.maxIdempotentMutations.default(DEFAULT_LIMITS.maxIdempotentMutations),
            maxFields: limitsShape.maxFields.default(DEFAULT_LIMITS.maxFields),
          })
          .strict()
          .default(DEFAULT_LIMITS),
        idempotency: z
          .object({
            retentionHours: idempotencyShape.retentionHours.default(DEFAULT_IDEMPOTENCY.retentionHours),
            maxKeysPerTenant: idempotencyShape.maxKeysPerTenant.default(DEFAULT_IDEMPOTENCY.maxKeysPerTenant),
          })
          .strict()
          .default(DEFAULT_IDEMPOTENCY),
        metrics: metrics.default({ host: '127.0.0.1' }),
        cors: cors.default(DEFAULT_CORS),
        subscriptions: subscriptions.default(DEFAULT_SUBSCRIPTIONS),
      })
      .strict()
      .default({
        host: '0.0.0.0',
        port: 4000,
        requestTimeoutMs: 30_000,
        maxBodyBytes: 1_048_576,
        bodyTimeoutMs: 10_000,
        headersTimeoutMs: 10_000,
        shutdownGraceMs: 10_000,
        ide: false,
        uploads: { maxFileBytes: 268_435_456, maxJsonFileBytes: 10_485_760, maxFiles: 1, timeoutMs: 1_800_000, idleTimeoutMs: 30_000 },
        introspection: false,
        getCacheMaxAgeSeconds: 0,
        limits: DEFAULT_LIMITS,
        idempotency: DEFAULT_IDEMPOTENCY,
        metrics: { host: '127.0.0.1' },
        cors: DEFAULT_CORS,
        subscriptions: DEFAULT_SUBSCRIPTIONS,
      }),
    live,
    imports,
    logging: z
      .object({ level: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info') })
      .strict()
      .default({ level: 'info' }),
    state,
    tenants: z.array(tenantSchema).min(1, 'must list at least one tenant'),
  })
  .strict()
  .superRefine((c, ctx) => {
    // A token selects its tenant by issuer and audience: two tenants must never both accept one token.
    c.tenants.forEach((t, i) => {
      const jwt = t.auth.jwt;
      if (!jwt) return;
      const clash = c.tenants.slice(0, i).find((o) => o.auth.jwt?.issuer === jwt.issuer && o.auth.jwt.audiences.some((a) => jwt.audiences.includes(a)));
      if (clash) {
        ctx.addIssue({
          code: 'custom',
          path: ['tenants', i, 'auth', 'jwt', 'audiences'],
          message: `tenant ${JSON.stringify(clash.id)} accepts the same issuer and audience: a token would select either`,
        });
      }
    });
  })
  .superRefine((c, ctx) => {
    if (!c.server.cors.allowCredentials) return;
    c.tenants.forEach((t, i) => {
      if (t.cors?.origins.includes('*')) {
        ctx.addIssue({ code: 'custom', path: ['tenants', i, 'cors', 'origins'], message: 'origins "*" cannot be combined with server.cors.allowCredentials (browsers refuse it): list the origins' });
      }
    });
  });

export type Config = z.output<typeof configSchema>;
export type TenantConfig = Config['tenants'][number];
export type ConnectionConfig = TenantConfig['connections'][number];
// The first vendors' adapters and tests import their config types from here; a vendor's own code imports
// them from its `config.ts`, so a new vendor adds nothing to this file.
export type { AmeyoConnectionConfig } from '../vendors/ameyo/config';
export type { AppsApiConnectionConfig } from '../vendors/apps-api/config';
export type { CampaignApiConnectionConfig } from '../vendors/campaign-api/config';
/** What a config file may say before defaults are applied (demo mode builds one of these). */
export type ConfigInput = z.input<typeof configSchema>;
