/** The routes-table interpreter: every vendor row parses, params are encoded into one segment, and queries keep their order. */
import { startSimServer, type SimServer } from '../../sim/common/server';
import { BadUserInputError } from '../../src/errors';
import { ameyoRoutes } from '../../src/vendors/ameyo/routes';
import { appsApiRoutes } from '../../src/vendors/apps-api/routes';
import { campaignApiRoutes } from '../../src/vendors/campaign-api/routes';
import { buildRouteUrl, callRoute, parseRoute, type RouteDef, type RouteTable } from '../../src/vendors/routes';
import type { UpstreamRequest } from '../../src/upstream/types';

const BASE = 'https://vendor.example.com/api/v1';

const TABLES: Array<{ vendor: string; table: RouteTable; families: readonly string[] }> = [
  { vendor: 'ameyo', table: ameyoRoutes, families: ['cms', 'dataEngine', 'appServer'] },
  { vendor: 'apps-api', table: appsApiRoutes, families: ['apps', 'manager'] },
  { vendor: 'campaign-api', table: campaignApiRoutes, families: ['portal'] },
];

const ROWS = TABLES.flatMap(({ vendor, table, families }) => Object.entries(table).map(([name, def]) => ({ vendor, name, def, families })));

/** A row with a path param and a documented alternate method, as the real tables will have. */
const item: RouteDef = { route: 'GET /v1/items/{id}', family: 'main' };
const addLead: RouteDef = { route: 'PUT /v2/campaigns/{campaignId}/lead', family: 'main', alternates: { method: ['POST'] } };

/** Calls `fn` and returns what it threw. */
function thrown(fn: () => unknown): Error {
  try {
    fn();
  } catch (err) {
    return err as Error;
  }
  throw new Error('expected a throw');
}

describe('vendor route tables', () => {
  it('has rows for every vendor', () => {
    expect(ROWS.map((r) => `${r.vendor}.${r.name}`)).toEqual([
      ...['basicAuth', 'monitoring', 'uploadContacts', 'contactUploadErrorFile', 'clickToDial', 'downloadVoiceLog', 'disposeCallForUser', 'disposeAndManualDial'].map((n) => `ameyo.${n}`),
      ...[
        'listAgents',
        'listUserStatuses',
        'updateAgentStatuses',
        'forceLogoutAgents',
        'createCall',
        'listCalls',
        'getCall',
        'getCustomerFlags',
        'updateCustomerFlags',
        'updateCallEndUser',
        'sendCallCustomData',
        'listCampaigns',
        'getCampaign',
        'listCampaignContacts',
        'addCampaignContact',
        'updateCampaignContact',
        'deleteCampaignContact',
        'importCampaignContacts',
        'getContactImportJob',
        'sendSms',
        'listWaitTimes',
        'listQueueStatus',
        'getQueueOperationStatus',
        'sendCrmContactData',
        'upsertEndUser',
        'findEndUser',
        'addDnc',
        'removeDnc',
        'checkDnc',
        'getBulkUserTemplate',
        'uploadBulkUsers',
        'proceedBulkUsers',
        'getBulkUserJob',
        'getBulkUserSchemeErrors',
        'getBulkUserUpdateErrors',
        // Chats (row 21).
        'listChats',
        'getChat',
        'createChat',
        'updateChat',
        'resumeChat',
        'sendChatMessage',
        'escalateChat',
        'updateChatEscalation',
        'addChatPhotos',
        'listChatPhotos',
        'getChatPhotoUploadUrl',
        'addChatVideo',
        'listChatVideos',
        'getChatVideoUploadUrl',
        'getChatMedia',
        'getAppsChat',
        'getChatCustomerFlags',
        'updateChatCustomerFlags',
        'sendChatCustomData',
        'updateChatEndUser',
        // Queue settings (row 23) and contact lists (row 24).
        'exportQueueSettings',
        'importQueueSettings',
        'listQueueSettingsVersions',
        'getQueueSettingsVersion',
        'downloadQueueSettingsVersion',
        'autoSaveQueueSettings',
        'restoreQueueSettingsVersion',
        'createContactList',
        'updateContactList',
        'deleteContactList',
        'addContactListEntries',
        'updateContactListEntry',
        'deleteContactListEntry',
      ].map((n) => `apps-api.${n}`),
      ...['login', 'queuesStatus', 'campaignsStatus', 'listLeads', 'campaignActivity', 'addLead', 'setLeadStatus', 'deleteLead', 'setVoicemailDisposition'].map((n) => `campaign-api.${n}`),
    ]);
  });

  it.each(ROWS)('$vendor $name parses, names a known family and builds under it', ({ def, families, name }) => {
    const parsed = parseRoute(def.route);
    expect(['GET', 'POST', 'PUT', 'PATCH', 'DELETE']).toContain(parsed.method);
    expect(parsed.path.startsWith('/')).toBe(true);
    expect(families).toContain(def.family);
    for (const m of def.alternates?.method ?? []) expect(['GET', 'POST', 'PUT', 'PATCH', 'DELETE']).toContain(m);
    // `cached` only makes sense on reads
    if (def.cached) expect(parsed.method).toBe('GET');
    const params = Object.fromEntries(parsed.params.map((p) => [p, 'x']));
    const { method, url } = buildRouteUrl(name, def, BASE, { params });
    expect(method).toBe(parsed.method);
    expect(url.href.startsWith(`${BASE}/`)).toBe(true);
    expect(url.href).not.toMatch(/[{}]/);
  });

  it('the Ameyo monitoring row takes ccId from the path', () => {
    expect(parseRoute(ameyoRoutes.monitoring.route)).toEqual({
      method: 'GET',
      path: '/v4/cc-list/{ccId}/monitoring/user-session-information',
      params: ['ccId'],
    });
    const { url } = buildRouteUrl('monitoring', ameyoRoutes.monitoring, 'https://de.example.com', { params: { ccId: 3 } });
    expect(url.href).toBe('https://de.example.com/v4/cc-list/3/monitoring/user-session-information');
  });
});

describe('parseRoute', () => {
  it('lists the params in order', () => {
    expect(parseRoute('DELETE /a/{x}/b/{y_2}')).toEqual({ method: 'DELETE', path: '/a/{x}/b/{y_2}', params: ['x', 'y_2'] });
  });

  it.each(['FETCH /x', 'GET x', 'GET', 'get /x', 'GET /a b'])('refuses %j', (route) => {
    const err = thrown(() => parseRoute(route));
    expect(err).toBeInstanceOf(TypeError);
    expect(err.message).toBe(`expected a route 'METHOD /path', got '${route}'`);
  });
});

describe('buildRouteUrl params', () => {
  it('percent-encodes a param so it stays one segment', () => {
    expect(buildRouteUrl('item', item, BASE, { params: { id: 'a/b c' } }).url.href).toBe(`${BASE}/v1/items/a%2Fb%20c`);
  });

  it('keeps a query-injection attempt inside the segment', () => {
    const { url } = buildRouteUrl('item', item, BASE, { params: { id: 'x&y=1' } });
    expect(url.pathname).toBe('/api/v1/v1/items/x%26y%3D1');
    expect(url.search).toBe('');
    expect([...url.searchParams.keys()]).toEqual([]);
  });

  it.each([
    ['?y=1', '%3Fy%3D1'],
    ['#frag', '%23frag'],
    ['../../admin', '..%2F..%2Fadmin'],
    ['%2e%2e', '%252e%252e'],
    ['ü', '%C3%BC'],
  ])('encodes %j as %s', (value, encoded) => {
    const { url } = buildRouteUrl('item', item, BASE, { params: { id: value } });
    expect(url.pathname).toBe(`/api/v1/v1/items/${encoded}`);
    expect(url.search).toBe('');
    expect(url.hash).toBe('');
  });

  it('stringifies a number', () => {
    expect(buildRouteUrl('item', item, BASE, { params: { id: 0 } }).url.pathname).toBe('/api/v1/v1/items/0');
  });

  it.each([
    ['', '""'],
    ['.', '"."'],
    ['..', '".."'],
  ])('refuses %j with BAD_USER_INPUT', (value, shown) => {
    const err = thrown(() => buildRouteUrl('item', item, BASE, { params: { id: value } }));
    expect(err).toBeInstanceOf(BadUserInputError);
    expect((err as BadUserInputError).code).toBe('BAD_USER_INPUT');
    expect(err.message).toBe(`expected id to be a non-empty id, got ${shown}`);
  });

  it('refuses a missing param as a programming error', () => {
    const err = thrown(() => buildRouteUrl('item', item, BASE, {}));
    expect(err).toBeInstanceOf(TypeError);
    expect(err.message).toBe("route 'item' needs param 'id'");
  });
});

describe('buildRouteUrl query', () => {
  it('appends keys in order, repeats array keys in order and skips null/undefined', () => {
    const { url } = buildRouteUrl('item', item, BASE, {
      params: { id: '7' },
      query: { 'id[]': ['3', 1, '2'], skipped: null, alsoSkipped: undefined, page: 2, online: false, q: 'a b&c=d' },
    });
    expect(url.search).toBe('?id%5B%5D=3&id%5B%5D=1&id%5B%5D=2&page=2&online=false&q=a+b%26c%3Dd');
    expect([...url.searchParams]).toEqual([
      ['id[]', '3'],
      ['id[]', '1'],
      ['id[]', '2'],
      ['page', '2'],
      ['online', 'false'],
      ['q', 'a b&c=d'],
    ]);
  });

  it('an empty array adds nothing', () => {
    expect(buildRouteUrl('item', item, BASE, { params: { id: '7' }, query: { 'id[]': [] } }).url.search).toBe('');
  });
});

describe('buildRouteUrl methods', () => {
  it('uses the row method by default', () => {
    expect(buildRouteUrl('addLead', addLead, BASE, { params: { campaignId: '5' } }).method).toBe('PUT');
  });

  it('accepts a listed alternate and the row method itself', () => {
    expect(buildRouteUrl('addLead', addLead, BASE, { params: { campaignId: '5' }, method: 'POST' }).method).toBe('POST');
    expect(buildRouteUrl('addLead', addLead, BASE, { params: { campaignId: '5' }, method: 'PUT' }).method).toBe('PUT');
  });

  it('refuses an alternate the row does not list', () => {
    const err = thrown(() => buildRouteUrl('addLead', addLead, BASE, { params: { campaignId: '5' }, method: 'PATCH' }));
    expect(err).toBeInstanceOf(TypeError);
    expect(err.message).toBe("route 'addLead' has no alternate method PATCH");
  });

  it('refuses any alternate on a row without alternates', () => {
    const err = thrown(() => buildRouteUrl('item', item, BASE, { params: { id: '1' }, method: 'DELETE' }));
    expect(err.message).toBe("route 'item' has no alternate method DELETE");
  });
});

describe('callRoute', () => {
  const table = {
    item: { route: 'GET /v1/items/{id}', family: 'main', cached: true },
    create: { route: 'POST /v1/items', family: 'main' },
  } as const satisfies RouteTable<'main'>;

  function recorder() {
    const sent: UpstreamRequest[] = [];
    const ctx = {
      baseUrls: { main: BASE },
      cacheTtlMs: 1234,
      send: async (req: UpstreamRequest) => {
        sent.push(req);
        return { status: 200, headers: {}, body: Buffer.alloc(0) };
      },
    };
    return { sent, ctx };
  }
  const scope = { deadlineAt: Date.now() + 10_000 };

  it('a cached GET row carries the connection TTL, the route name and accept: json', async () => {
    const { sent, ctx } = recorder();
    await callRoute(ctx, table, 'item', scope, { params: { id: 'a b' }, headers: { 'x-extra': '1' } });
    expect(sent).toHaveLength(1);
    const req = sent[0]!;
    expect(req.method).toBe('GET');
    expect(req.url.href).toBe(`${BASE}/v1/items/a%20b`);
    expect(req.route).toBe('item');
    expect(req.headers).toEqual({ accept: 'application/json', 'x-extra': '1' });
    expect(req.cacheTtlMs).toBe(1234);
    expect(req.body).toBeUndefined();
    expect(req.scope).toBe(scope);
  });

  it('a JSON body is serialised with its content type, and an uncached row has no TTL', async () => {
    const { sent, ctx } = recorder();
    await callRoute(ctx, table, 'create', scope, { json: { name: 'x', n: [1, 2] } });
    const req = sent[0]!;
    expect(req.method).toBe('POST');
    expect(req.body).toBe('{"name":"x","n":[1,2]}');
    expect(req.headers).toEqual({ accept: 'application/json', 'content-type': 'application/json' });
    expect('cacheTtlMs' in req).toBe(false);
  });

  it('an unknown route name is a programming error', () => {
    const { ctx } = recorder();
    expect(() => callRoute(ctx, table, 'nope', scope)).toThrow(new TypeError("unknown route 'nope'"));
  });

  it('a refused param sends nothing', () => {
    const { sent, ctx } = recorder();
    expect(() => callRoute(ctx, table, 'item', scope, { params: { id: '..' } })).toThrow('expected id to be a non-empty id, got ".."');
    expect(sent).toEqual([]);
  });
});

describe('what reaches a real server', () => {
  let server: SimServer;
  beforeAll(async () => {
    server = await startSimServer(
      {
        name: 'echo',
        routes: [{ route: 'GET /v1/items/:id', handler: (ctx) => ({ status: 200, body: { id: ctx.params['id'] } }) }],
        authenticate: () => ({ principal: null }),
        tooManyRequests: () => ({ status: 429 }),
        serverError: (status) => ({ status }),
        notFound: () => ({ status: 404, body: { message: 'Not Found' } }),
      },
      { requestsPerSecond: 0 },
    );
  });
  afterAll(() => server.close());

  it.each(['x&y=1', 'a/b c', '?q=1#h'])('param %j arrives as one path segment with no query', async (value) => {
    server.clearRequests();
    const { url } = buildRouteUrl('item', item, server.url, { params: { id: value }, query: { k: ['1', '2'] } });
    const res = await fetch(url);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ id: value });
    expect(server.requests.map((r) => [r.method, r.path, r.rawQuery, r.query])).toEqual([['GET', `/v1/items/${encodeURIComponent(value)}`, 'k=1&k=2', { k: ['1', '2'] }]]);
  });
});
