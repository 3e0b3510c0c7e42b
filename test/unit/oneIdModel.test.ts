/**
 * Issue 15, item 6 (one ID model), the parts without a server: the native keys of the new node types, and the
 * Ameyo connection's `campaigns`, the catalog `campaigns` lists for a vendor whose APIs list none.
 */
import { validateConfig } from '../../src/config/load';
import { capabilitiesOf } from '../../src/domain/capabilities';
import { ConfigError } from '../../src/errors';
import { decodeGlobalId, dialAttemptNativeKey, encodeGlobalId, queueNativeKey, splitDialAttemptNativeKey, splitQueueNativeKey } from '../../src/graphql/ids';
import { PoolRegistry } from '../../src/upstream/transport';
import { createAmeyoAdapter } from '../../src/vendors/ameyo/adapter';
import type { AmeyoConnectionConfig } from '../../src/vendors/ameyo/config';

describe('native keys of the node types with more than one part', () => {
  it.each([
    ['callDial', 'dial-0001-abcdef'],
    ['callDisposeAndDial', 'a/key/with/slashes'],
  ])('a dial attempt is its command and idempotency key (%s, %s), whatever the key holds', (command, key) => {
    const id = encodeGlobalId('DialAttempt', 'ameyo-a', dialAttemptNativeKey(command, key));
    expect(decodeGlobalId(id)).toEqual({ type: 'DialAttempt', connectionId: 'ameyo-a', nativeId: `${command}/${key}` });
    expect(splitDialAttemptNativeKey(decodeGlobalId(id).nativeId)).toEqual({ command, idempotencyKey: key });
  });

  it.each(['callDial', '/key', 'callDial/'])('refuses a dial attempt key without both parts: %j', (key) => {
    expect(splitDialAttemptNativeKey(key)).toBeNull();
  });

  it('a queue holds its language', () => {
    expect(splitQueueNativeKey(queueNativeKey('en', '61'))).toEqual({ lang: 'en', queueNativeId: '61' });
    expect(splitQueueNativeKey('61')).toBeNull();
  });
});

describe("an Ameyo connection's campaigns", () => {
  const connection = (extra: Record<string, unknown>) => ({
    id: 'ameyo',
    vendor: 'ameyo',
    ccId: 1,
    baseUrls: { cms: 'https://cms.example.com', dataEngine: 'https://de.example.com', appServer: 'https://app.example.com' },
    credentials: { username: 'admin', password: 'not-a-real-password' },
    ...extra,
  });
  const load = (extra: Record<string, unknown>) =>
    validateConfig({ tenants: [{ id: 't', apiKeys: ['key-0123456789abcdef'], connections: [connection(extra)] }] }).tenants[0]!.connections[0] as AmeyoConnectionConfig;
  const adapter = (config: AmeyoConnectionConfig) => createAmeyoAdapter('t', new PoolRegistry(), config);

  it('default to none: no campaign catalog, as before', () => {
    const config = load({});
    expect(config.campaigns).toEqual([]);
    expect(capabilitiesOf(adapter(config))).not.toContain('CAMPAIGN_CATALOG');
    // Lead imports go to a configured campaign: none without one.
    expect(capabilitiesOf(adapter(config))).not.toContain('LEAD_IMPORT');
  });

  it('make the catalog, asking the vendor nothing; a YAML number id is the same id as text', async () => {
    const config = load({
      campaigns: [
        { id: 389, name: 'collections_outbound' },
        { id: '412', name: 'support_inbound' },
      ],
    });
    const catalog = adapter(config).campaigns!;
    expect(capabilitiesOf(adapter(config))).toEqual(['AGENT_DIRECTORY', 'AGENT_PRESENCE', 'PRESENCE_TABLES', 'CAMPAIGN_CATALOG', 'CONTACT_UPLOAD', 'LEAD_IMPORT']);
    const scope = { signal: new AbortController().signal, deadline: Date.now() + 1_000 } as never;
    expect(await catalog.listCampaigns(scope)).toEqual([
      {
        connectionId: 'ameyo',
        vendor: 'ameyo',
        nativeId: '389',
        name: 'collections_outbound',
        status: 'UNKNOWN',
        rawStatus: '',
        mode: null,
        leadStats: null,
        raw: { source: 'config', id: '389', name: 'collections_outbound' },
      },
      {
        connectionId: 'ameyo',
        vendor: 'ameyo',
        nativeId: '412',
        name: 'support_inbound',
        status: 'UNKNOWN',
        rawStatus: '',
        mode: null,
        leadStats: null,
        raw: { source: 'config', id: '412', name: 'support_inbound' },
      },
    ]);
    expect((await catalog.getCampaigns(['412', 'nope', '389'], scope)).map((c) => c?.nativeId ?? null)).toEqual(['412', null, '389']);
  });

  it.each([
    [
      'a repeated id',
      [
        { id: '389', name: 'a' },
        { id: 389, name: 'b' },
      ],
      'config is invalid:\n  tenants[0].connections[0].campaigns: expected each campaign id once',
    ],
    ['an id with a space', [{ id: '3 89', name: 'a' }], 'config is invalid:\n  tenants[0].connections[0].campaigns[0].id: expected an Ameyo campaign id without spaces'],
    [
      'a lead list id with a space (issue 18)',
      [{ id: '389', name: 'a', leadListId: '1 7' }],
      'config is invalid:\n  tenants[0].connections[0].campaigns[0].leadListId: expected an Ameyo lead list id without spaces',
    ],
  ])('refuse %s with the exact message', (_what, campaigns, message) => {
    let caught: unknown;
    try {
      load({ campaigns });
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(ConfigError);
    expect((caught as ConfigError).message).toBe(message);
  });

  it('take a lead list per campaign (a YAML number too) and the import user for CSV lead imports (issue 18)', () => {
    const config = load({ campaigns: [{ id: 389, name: 'a', leadListId: 17 }], contactUploadUserId: ' supervisor1 ' });
    expect(config.campaigns).toEqual([{ id: '389', name: 'a', leadListId: '17' }]);
    expect(config.contactUploadUserId).toBe('supervisor1');
    expect(() => load({ contactUploadUserId: ' ' })).toThrow('config is invalid:\n  tenants[0].connections[0].contactUploadUserId: must not be empty');
  });
});
