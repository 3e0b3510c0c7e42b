/**
 * The GraphQL IDE on GET /graphql: GraphiQL 3 with React 18, served from node_modules so it works with
 * no internet access (no CDN). It opens with example operations in tabs and, in demo mode, the demo API
 * key already in the headers editor.
 *
 * Assets (3.5 MB of JavaScript, most of it GraphiQL) are read once, compressed once per encoding, and
 * served with a strong ETag. The page names them with their content hash (`?v=`), so they can be cached
 * for a year (`immutable`): a new version of GraphiQL is a new URL, never a stale copy.
 */
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { chooseEncoding, compress, sendBody, type Encoding } from '../compress';
import type { RequestTarget } from '../requestTarget';
import { sendNotFound } from '../respond';
import type { Route } from '../router';

export const IDE_ASSET_PREFIX = '/ide/';

/** A Map, not an object literal: `/ide/constructor` must not find Object's constructor (issue 11, item 8). */
const ASSETS = new Map<string, { pkg: string; file: string; type: string }>([
  ['react.production.min.js', { pkg: 'react', file: 'umd/react.production.min.js', type: 'text/javascript; charset=utf-8' }],
  ['react-dom.production.min.js', { pkg: 'react-dom', file: 'umd/react-dom.production.min.js', type: 'text/javascript; charset=utf-8' }],
  ['graphiql.min.js', { pkg: 'graphiql', file: 'graphiql.min.js', type: 'text/javascript; charset=utf-8' }],
  ['graphiql.min.css', { pkg: 'graphiql', file: 'graphiql.min.css', type: 'text/css; charset=utf-8' }],
  // graphql-ws's browser build (global `graphqlWs`): the client GraphiQL's fetcher runs subscriptions on (issue 17).
  ['graphql-ws.min.js', { pkg: 'graphql-ws', file: 'umd/graphql-ws.min.js', type: 'text/javascript; charset=utf-8' }],
]);

/**
 * Headers of every IDE answer: the page may not be framed (clickjacking the headers editor, which holds
 * a key), nothing is sniffed, and no URL leaks in a Referer (OWASP Secure Headers Project).
 */
const IDE_SECURITY_HEADERS = {
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
} as const;

/** A file inside an installed package, found from the package's entry point (the UMD builds are not in `exports`). */
function packageFile(pkg: string, file: string): string {
  let dir = path.dirname(require.resolve(pkg));
  while (!existsSync(path.join(dir, 'package.json')) || (JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')) as { name?: string }).name !== pkg) {
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`cannot find the root of package ${pkg}`);
    dir = parent;
  }
  return path.join(dir, file);
}

interface LoadedAsset {
  body: Buffer;
  /** The content's sha256, base64url, 22 characters: the `?v=` of its URL and the base of its ETags. */
  hash: string;
  /** Compressed once per encoding, on first request. */
  encoded: Map<Encoding, Promise<Buffer>>;
}

const loaded = new Map<string, LoadedAsset>();

function loadAsset(name: string): LoadedAsset | null {
  const asset = ASSETS.get(name);
  if (!asset) return null;
  let found = loaded.get(name);
  if (!found) {
    const body = readFileSync(packageFile(asset.pkg, asset.file));
    found = { body, hash: createHash('sha256').update(body).digest('base64url').slice(0, 22), encoded: new Map() };
    loaded.set(name, found);
  }
  return found;
}

/** The asset's URL, versioned by its content. */
const assetUrl = (name: string) => `${IDE_ASSET_PREFIX}${name}?v=${loadAsset(name)!.hash}`;

/** True when `If-None-Match` lists `etag` (or is `*`); weak comparison, as RFC 9110 §13.1.2 asks for GET. */
function notModified(req: IncomingMessage, etag: string): boolean {
  const header = req.headers['if-none-match'];
  if (typeof header !== 'string') return false;
  return header.split(',').some((t) => {
    const tag = t.trim().replace(/^W\//, '');
    return tag === '*' || tag === etag;
  });
}

/** A year, the longest `max-age` caches honour: the URL changes with the content. */
const IMMUTABLE = 'public, max-age=31536000, immutable';

/** Serves one IDE asset; false when `name` is not one. */
export async function serveIdeAsset(name: string, req: IncomingMessage, res: ServerResponse): Promise<boolean> {
  const asset = ASSETS.get(name);
  const file = loadAsset(name);
  if (!asset || !file) return false;
  const encoding = chooseEncoding(req);
  // A strong ETag names one representation: each encoding has its own (RFC 9110 §8.8.3).
  const etag = `"${file.hash}${encoding ? `-${encoding}` : ''}"`;
  const headers = { etag, 'cache-control': IMMUTABLE, vary: 'Accept-Encoding', ...IDE_SECURITY_HEADERS };
  if (notModified(req, etag)) {
    res.writeHead(304, headers);
    res.end();
    return true;
  }
  let body = file.body;
  if (encoding) {
    let encoded = file.encoded.get(encoding);
    if (!encoded) file.encoded.set(encoding, (encoded = compress(file.body, encoding, 'static')));
    body = await encoded;
  }
  if (res.destroyed) return true;
  res.writeHead(200, { ...headers, 'content-type': asset.type, 'content-length': String(body.length), ...(encoding ? { 'content-encoding': encoding } : {}) });
  res.end(body);
  return true;
}

/** The example operations the IDE opens with, one tab each. */
/** A tab the IDE opens with; `headers` (a JSON object text) replaces the default headers in that tab. */
export interface IdeTab {
  query: string;
  variables?: string;
  headers?: string;
}

export const EXAMPLE_OPERATIONS: ReadonlyArray<IdeTab> = [
  {
    query: `# Every agent of every connection, merged. Try filter: { statuses: [AVAILABLE] }.
query Agents($first: Int = 25, $after: String) {
  agents(first: $first, after: $after) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges {
      node { id name vendor status rawStatus connection { id } }
    }
  }
}`,
  },
  {
    query: `# The connections of your tenant, what each can do and how it is doing.
query Connections {
  connections { id vendor capabilities status statusCheckedAt lastErrorCode }
}`,
  },
  {
    query: `# Refetch one agent by the global ID from the Agents tab.
query Agent($id: ID!) {
  agent(id: $id) { id name email extension vendor status rawStatus statusChangedAt raw }
}`,
    variables: '{ "id": "paste an Agent id here" }',
  },
  {
    query: `# Live: agents whose presence changes, as they change (graphql-ws on this same /graphql, the headers' key).
subscription Presence {
  agentPresenceChanged {
    agent { id name status rawStatus statusChangedAt connection { id } }
    previousStatus
    at
  }
}`,
  },
];

const escapeForScript = (json: string) => json.replace(/</g, '\\u003c').replace(/>/g, '\\u003e').replace(/&/g, '\\u0026');

/** Serves the IDE page. `defaultHeaders` is a JSON object string for the headers editor. */
export async function serveIdePage(req: IncomingMessage, res: ServerResponse, opts: IdeRouteOptions): Promise<void> {
  const nonce = randomBytes(16).toString('base64');
  const settings = escapeForScript(JSON.stringify({ url: opts.graphqlPath, tabs: [...EXAMPLE_OPERATIONS, ...(opts.extraTabs ?? [])], headers: opts.defaultHeaders ?? '' }));
  const html = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Switchboard GraphQL</title>
<link rel="stylesheet" href="${assetUrl('graphiql.min.css')}">
<style>html, body, #ide { height: 100%; margin: 0; }</style>
</head>
<body>
<div id="ide">Loading the GraphQL IDE…</div>
<script id="ide-settings" type="application/json">${settings}</script>
<script src="${assetUrl('react.production.min.js')}"></script>
<script src="${assetUrl('react-dom.production.min.js')}"></script>
<script src="${assetUrl('graphiql.min.js')}"></script>
<script src="${assetUrl('graphql-ws.min.js')}"></script>
<script nonce="${nonce}">
  const settings = JSON.parse(document.getElementById('ide-settings').textContent);
  const url = new URL(settings.url, location.href).href;
  // GraphiQL's own fetcher (@graphiql/toolkit createGraphiQLFetcher, bundled as GraphiQL.createFetcher) with
  // a graphql-ws client: it sends subscriptions over the WebSocket on /graphql and the rest over HTTP. A
  // graphql-ws client sends its connection_init once, so there is one fetcher (and client) per Authorization
  // value of the headers editor: each tab runs with its own key or token (docs/decisions.md, "GraphQL IDE").
  const fetchers = new Map();
  const fetcherFor = (authorization) => {
    let fetcher = fetchers.get(authorization);
    if (!fetcher) {
      const wsClient = graphqlWs.createClient({ url: url.replace(/^http/, 'ws'), connectionParams: { authorization }, lazy: true });
      fetcher = GraphiQL.createFetcher({ url, wsClient });
      fetchers.set(authorization, fetcher);
    }
    return fetcher;
  };
  const fetcher = (params, opts) => {
    const headers = (opts && opts.headers) || {};
    const name = Object.keys(headers).find((h) => h.toLowerCase() === 'authorization');
    return fetcherFor(name ? String(headers[name]) : '')(params, opts);
  };
  ReactDOM.createRoot(document.getElementById('ide')).render(
    React.createElement(GraphiQL, {
      fetcher,
      defaultTabs: settings.tabs,
      defaultHeaders: settings.headers,
      defaultEditorToolsVisibility: settings.headers ? 'headers' : true,
      shouldPersistHeaders: false,
    }),
  );
</script>
</body>
</html>`;
  await sendBody(
    req,
    res,
    200,
    {
      'content-type': 'text/html; charset=utf-8',
      'cache-control': 'no-store',
      ...IDE_SECURITY_HEADERS,
      'content-security-policy': `default-src 'self'; script-src 'self' 'nonce-${nonce}'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; font-src 'self' data:; frame-ancestors 'none'; base-uri 'none'; form-action 'none'`,
    },
    Buffer.from(html, 'utf8'),
  );
}

/** The IDE page is for browsers asking for HTML without a query; everything else on `/graphql` is the API. */
export function wantsIdePage(req: IncomingMessage, target: RequestTarget): boolean {
  return !target.searchParams.has('query') && (req.headers.accept ?? '').includes('text/html');
}

export interface IdeRouteOptions {
  graphqlPath: string;
  /** JSON object text for the headers editor (demo mode puts the demo key there). */
  defaultHeaders?: string;
  /** Tabs after the examples, each with its own headers (demo mode: one per demo user's token). */
  extraTabs?: readonly IdeTab[];
}

/** `GET /graphql` from a browser (the page) and `GET /ide/*` (its assets): two rows of the routes table. */
export function createIdeRoutes(opts: IdeRouteOptions): Route[] {
  return [
    {
      name: 'ide',
      path: opts.graphqlPath,
      methods: ['GET'],
      when: wantsIdePage,
      handle: ({ req, res }) => serveIdePage(req, res, opts),
    },
    {
      name: 'ide-assets',
      path: IDE_ASSET_PREFIX,
      prefix: true,
      methods: ['GET'],
      handle: async ({ req, res, target }) => {
        if (!(await serveIdeAsset(target.pathname.slice(IDE_ASSET_PREFIX.length), req, res))) sendNotFound(res);
      },
    },
  ];
}
