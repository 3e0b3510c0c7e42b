/**
 * Issue 15: each capability's contract (test/contract/<area>.ts) runs against every adapter that claims
 * the capability, on its simulator over real sockets. What an adapter claims is derived from the members
 * it implements (src/domain/capabilities.ts), so a capability cannot be claimed without its contract
 * running, nor implemented without being claimed.
 */
import type { Simulators } from '../../sim';
import { resolveConfig } from '../../src/config/load';
import { capabilitiesOf } from '../../src/domain/capabilities';
import type { Capability } from '../../src/domain/types';
import { loadTypeDefs } from '../../src/graphql/schema';
import { PoolRegistry } from '../../src/upstream/transport';
import { createAdapter } from '../../src/vendors';
import { connectionsFor } from '../support/stack';
import { CONTRACTS } from './index';
import { startContractEnv, type ContractEnv } from './support';

/**
 * What each connection claims, known before the simulators start (jest registers tests synchronously):
 * claims depend on a connection's config only, so each adapter is built once on a placeholder address,
 * which it never calls.
 */
function claimsBeforeStart(): Array<{ connectionId: string; vendor: string; capabilities: Capability[] }> {
  const address = new Proxy({}, { get: () => 'http://127.0.0.1:9' });
  const placeholders = new Proxy({}, { get: () => address }) as Simulators;
  const config = resolveConfig({ tenants: [{ id: 'claims', apiKeys: ['contract-key-0000000002'], connections: connectionsFor(placeholders) }] });
  const pools = new PoolRegistry();
  return config.tenants[0]!.connections.map((c) => {
    const adapter = createAdapter('claims', c, pools);
    return { connectionId: adapter.connectionId, vendor: adapter.vendor, capabilities: capabilitiesOf(adapter) };
  });
}

const claims = claimsBeforeStart();

let env: ContractEnv;
beforeAll(async () => {
  env = await startContractEnv();
});
afterAll(() => env.close());

describe('the contract suite', () => {
  it('has a contract, with rules of unique ids, for every capability of the schema', () => {
    const schemaEnum = /enum Capability \{([^}]*)\}/.exec(loadTypeDefs().join('\n'))![1]!;
    const capabilities = [...schemaEnum.matchAll(/^\s*([A-Z_]+)\s*$/gm)].map((m) => m[1]);
    expect(Object.keys(CONTRACTS).sort()).toEqual([...capabilities].sort());
    const ids = Object.values(CONTRACTS).flatMap((c) => c.rules.map((r) => r.id));
    for (const c of Object.values(CONTRACTS)) expect(c.rules.length).toBeGreaterThan(0);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('runs every capability against at least one adapter', () => {
    const claimed = new Set(claims.flatMap((c) => c.capabilities));
    expect(Object.keys(CONTRACTS).filter((c) => !claimed.has(c as Capability))).toEqual([]);
  });
});

claims.forEach((claim, i) => {
  describe(`${claim.connectionId} (${claim.vendor})`, () => {
    const subject = () => env.subject(env.adapters[i]!);

    it('claims, on its simulator, what it claimed on the placeholder address', () => {
      expect(env.adapters[i]!.connectionId).toBe(claim.connectionId);
      expect(capabilitiesOf(env.adapters[i]!)).toEqual(claim.capabilities);
    });

    for (const capability of claim.capabilities) CONTRACTS[capability](subject);
  });
});
