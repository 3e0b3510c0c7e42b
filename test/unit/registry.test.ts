/**
 * The vendor registry (src/vendors/registry.ts): each registered module hangs together (its schema, adapter,
 * error mapper and simulator), the schema's `Vendor` enum lists exactly the registered vendors, and the places
 * a vendor once had to be added by hand now read the registry (docs/adding-a-vendor.md).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Kind, parse, type EnumTypeDefinitionNode } from 'graphql';
import { simulatorConnections, simulatorOf, startSimulators, type Simulators } from '../../sim';
import { validateConfig } from '../../src/config/load';
import { vendorEnum } from '../../src/graphql/enums';
import { PoolRegistry } from '../../src/upstream/transport';
import { createAdapter } from '../../src/vendors';
import { simulatorName } from '../../src/vendors/module';
import { VENDOR_KEYS, VENDORS, vendorModule } from '../../src/vendors/registry';

const ROOT = path.join(__dirname, '../..');
/** A source file's code, without its comments (which may use a vendor as an example). */
const codeOf = (file: string) =>
  readFileSync(path.join(ROOT, file), 'utf8')
    .replace(/\/\*[\s\S]*?\*\//g, '')
    .replace(/^\s*\/\/.*$/gm, '');

describe('the vendor registry', () => {
  it('registers each key once, each a lowercase word list joined by "-"', () => {
    expect(new Set(VENDOR_KEYS).size).toBe(VENDORS.length);
    for (const key of VENDOR_KEYS) expect(key).toMatch(/^[a-z][a-z0-9]*(-[a-z0-9]+)*$/);
    expect(VENDOR_KEYS.slice(0, 3)).toEqual(['ameyo', 'apps-api', 'campaign-api']);
  });

  it('derives the simulator names and enum values from the key', () => {
    expect(VENDOR_KEYS.slice(0, 3).map((k) => [simulatorName(k), vendorEnum(k)])).toEqual([
      ['ameyo', 'AMEYO'],
      ['appsApi', 'APPS_API'],
      ['campaignApi', 'CAMPAIGN_API'],
    ]);
  });

  it('finds a module by key, and names the registered keys for any other', () => {
    for (const v of VENDORS) expect(vendorModule(v.key)).toBe(v);
    expect(() => vendorModule('amyeo' as never)).toThrow(`expected a registered vendor (${VENDOR_KEYS.join(' | ')}), got 'amyeo'`);
  });

  it('enum Vendor in schema/base.graphql has exactly one value per registered vendor', () => {
    const doc = parse(readFileSync(path.join(ROOT, 'schema/base.graphql'), 'utf8'));
    const vendor = doc.definitions.find((d): d is EnumTypeDefinitionNode => d.kind === Kind.ENUM_TYPE_DEFINITION && d.name.value === 'Vendor');
    expect(vendor?.values?.map((v) => v.name.value).sort()).toEqual(VENDOR_KEYS.map(vendorEnum).sort());
  });

  it('names the registered vendors when a config names another', () => {
    expect(() => validateConfig({ tenants: [{ id: 't', apiKeys: ['k'.repeat(24)], connections: [{ id: 'c', vendor: 'amyeo' }] }] })).toThrow(
      `tenants[0].connections[0].vendor: unknown vendor (expected ${VENDOR_KEYS.join(' | ')})`,
    );
  });

  // The places a new vendor used to be added by hand (issue 15) now read the registry.
  it.each(['src/errors.ts', 'src/config/load.ts', 'src/vendors/index.ts', 'src/graphql/enums.ts', 'sim/index.ts', 'src/demo.ts', 'src/cli.ts', 'test/support/stack.ts'])(
    '%s names no vendor key',
    (file) => {
      const text = codeOf(file);
      for (const key of VENDOR_KEYS) expect(text).not.toMatch(new RegExp(`['"\`]${key}['"\`]`));
    },
  );

  it('src/config/schema.ts builds connections from the registry alone (its vendor type re-exports aside)', () => {
    const text = codeOf('src/config/schema.ts');
    for (const key of VENDOR_KEYS) expect(text).not.toMatch(new RegExp(`['"\`]${key}['"\`]|z\\.literal`));
  });
});

describe('each registered module, against its simulator', () => {
  let sims: Simulators;
  const pools = new PoolRegistry();
  beforeAll(async () => {
    sims = await startSimulators();
  });
  afterAll(async () => {
    await pools.close();
    await sims.close();
  });

  it('startSimulators starts one simulator per vendor, under its camelCase key', () => {
    expect(
      Object.keys(sims)
        .filter((k) => k !== 'close')
        .sort(),
    ).toEqual(VENDOR_KEYS.map(simulatorName).sort());
    for (const key of VENDOR_KEYS) expect(simulatorOf(sims, key).url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });

  it.each(VENDORS.map((v) => [v.key, v] as const))('%s: the simulator connection is a valid config, and builds an adapter for it', (key, v) => {
    const connections = simulatorConnections(sims, '-t');
    const config = validateConfig({ tenants: [{ id: 't', apiKeys: ['k'.repeat(24)], connections }] });
    const connection = config.tenants[0]!.connections.find((c) => c.vendor === key)!;
    expect(connection.id).toBe(`${v.simulator.connectionName}-t`);
    expect(v.connection.safeParse(connection).success).toBe(true);
    const adapter = createAdapter('t', connection, pools);
    expect([adapter.vendor, adapter.connectionId]).toEqual([key, connection.id]);
  });

  it.each(VENDORS.map((v) => [v.key, v] as const))('%s: the error mapper turns a bare 503 into UPSTREAM_UNAVAILABLE with the facts given', (key, v) => {
    const err = v.toError({ status: 503, headers: {}, body: Buffer.alloc(0) }, { vendor: key, connectionId: 'c', upstreamStatus: 503 });
    expect(err.extensions()).toMatchObject({ code: 'UPSTREAM_UNAVAILABLE', vendor: key, connectionId: 'c', upstreamStatus: 503 });
  });

  it.each(VENDORS.map((v) => [v.key, v] as const))('%s: the demo agent is a seeded agent', (_key, v) => {
    const agent = v.simulator.demoAgent(simulatorOf(sims, v.key));
    expect(agent.nativeId).toMatch(/\S/);
  });
});
