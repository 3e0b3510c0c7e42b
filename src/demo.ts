/**
 * Demo mode: every registered vendor's simulator on loopback (src/vendors/registry.ts), and a config with one
 * tenant that has one connection to each, at the vendors' real 1 request/second limit. The demo API key is
 * fixed so the README's example works as written; it only ever exists on 127.0.0.1.
 *
 * A local identity provider (sim/idp.ts) signs end users' tokens for the demo tenant: an agent (mapped to one
 * seeded agent of each connection), a supervisor and an admin, each with password `demo`. Their tokens are
 * printed at start and each has a tab in the IDE.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Logger } from 'pino';
import { simulatorConnections, simulatorOf, startSimulators, type Simulators } from '../sim';
import { startIdentityProvider, type IdentityProvider, type IdpUser } from '../sim/idp';
import { resolveConfig } from './config/load';
import type { ConfigInput } from './config/schema';
import { startGateway, type Gateway } from './http/server';
import { VENDORS, vendorModule } from './vendors/registry';

export const DEMO_API_KEY = 'sb_demo_0123456789abcdef';
export const DEMO_TENANT_ID = 'demo';
/** The `aud` of the demo identity provider's tokens. */
export const DEMO_AUDIENCE = 'switchboard-demo';
export const DEMO_PASSWORD = 'demo';
export type DemoUser = 'agent' | 'supervisor' | 'admin';
export const DEMO_USERS: readonly DemoUser[] = ['agent', 'supervisor', 'admin'];

/** Demo connections are `<connectionName>-demo` (src/vendors/module.ts#VendorSimulator). */
const DEMO_CONNECTION_SUFFIX = '-demo';

/**
 * The demo users: the agent is one seeded agent of every connection (its `agent_id` claim names each, and its
 * email is the first one a vendor's seeded agent has).
 */
export function demoUsers(sims: Simulators): IdpUser[] {
  const agents = VENDORS.map((v) => ({
    connectionId: `${v.simulator.connectionName}${DEMO_CONNECTION_SUFFIX}`,
    ...v.simulator.demoAgent(simulatorOf(sims, v.key)),
  }));
  const agentIds = Object.fromEntries(agents.map((a) => [a.connectionId, a.nativeId]));
  const agentEmail = agents.find((a) => a.email !== undefined)?.email;
  const emailOf = (role: DemoUser) => (role === 'agent' && agentEmail !== undefined ? agentEmail : `${role}@demo.switchboard.local`);
  return DEMO_USERS.map((role) => ({
    username: role,
    password: DEMO_PASSWORD,
    claims: { sub: `demo-${role}`, roles: [role], email: emailOf(role), ...(role === 'agent' ? { agent_id: agentIds } : {}) },
  }));
}

/** What a caller of `startDemo` may change in the demo config. */
export interface DemoOptions {
  /** Browser origins allowed to call the demo gateway (`server.cors`). Default none. */
  cors?: NonNullable<ConfigInput['server']>['cors'];
  /**
   * The embedded store's directory (`state.dataDir`). Default: a new temporary directory, removed on close,
   * so a demo leaves nothing behind and two demos never share a file. The CLI passes SWITCHBOARD_DATA_DIR.
   */
  dataDir?: string;
  /** The freshness engine's settings (`live`). Default the gateway's: a query keeps its resource polled for 30 s. */
  live?: ConfigInput['live'];
}

/** The demo config for running simulators. `port` defaults to 4000; the host is always loopback. */
export function demoConfig(sims: Simulators, port: number, options: DemoOptions & { dataDir: string }, idp?: IdentityProvider): ConfigInput {
  return {
    // Demo mode is for exploring: the IDE is on, and it needs introspection.
    server: { host: '127.0.0.1', port, ide: true, introspection: true, ...(options.cors ? { cors: options.cors } : {}) },
    state: { dataDir: options.dataDir },
    ...(options.live ? { live: options.live } : {}),
    tenants: [
      {
        id: DEMO_TENANT_ID,
        apiKeys: [DEMO_API_KEY],
        ...(idp ? { auth: { jwt: { issuer: idp.issuer, audiences: [DEMO_AUDIENCE], jwks: { url: idp.jwksUrl } } } } : {}),
        // Each connection with its vendor's demo-only fields (Ameyo: the gateway as its CRM).
        connections: simulatorConnections(sims, DEMO_CONNECTION_SUFFIX).map(
          (c) => ({ ...c, ...vendorModule(c.vendor).simulator.demo?.connection?.(simulatorOf(sims, c.vendor) as never) }) as typeof c,
        ),
      },
    ],
  };
}

export interface Demo {
  gateway: Gateway;
  sims: Simulators;
  idp: IdentityProvider;
  /** A token of each demo user, valid for 12 hours. */
  tokens: Record<DemoUser, string>;
  close(): Promise<void>;
}

/** The IDE's tabs for the demo users: each runs a query as that user. */
function userTabs(tokens: Record<DemoUser, string>) {
  const query = (role: DemoUser) => `# As the demo ${role} (this tab's headers hold their token). Agents see the tenant's agents,
# queues and campaigns, and act only as themselves; calls need SUPERVISOR.
query As${role[0]!.toUpperCase()}${role.slice(1)} {
  agents(first: 3) { totalCount edges { node { name vendor status } } }
  calls(first: 3) { totalCount }
}`;
  return DEMO_USERS.map((role) => ({ query: query(role), headers: JSON.stringify({ Authorization: `Bearer ${tokens[role]}` }, null, 2) }));
}

/** Starts the simulators and a gateway on them: what `npm start` does with no config. */
export async function startDemo(opts: { port: number; logger: Logger } & DemoOptions): Promise<Demo> {
  const temporary = opts.dataDir === undefined ? mkdtempSync(path.join(os.tmpdir(), 'switchboard-demo-')) : null;
  const dataDir = opts.dataDir ?? temporary!;
  const removeTemporary = () => temporary && rmSync(temporary, { recursive: true, force: true });
  const sims = await startSimulators();
  let idp: IdentityProvider | null = null;
  try {
    idp = await startIdentityProvider({ audience: DEMO_AUDIENCE, users: demoUsers(sims), tokenTtlSeconds: 12 * 3600 });
    const tokens = Object.fromEntries(await Promise.all(DEMO_USERS.map(async (u) => [u, await idp!.tokenFor(u)] as const))) as Record<DemoUser, string>;
    const gateway = await startGateway(resolveConfig(demoConfig(sims, opts.port, { ...opts, dataDir }, idp)), {
      logger: opts.logger,
      ideDefaultHeaders: { Authorization: `Bearer ${DEMO_API_KEY}` },
      ideTabs: userTabs(tokens),
      demo: true,
    });
    // Wiring that needs the gateway's address (Ameyo's CRM URLs point at it).
    for (const v of VENDORS) {
      await v.simulator.demo?.afterStart?.(simulatorOf(sims, v.key) as never, { url: gateway.url, tenantId: DEMO_TENANT_ID, connectionId: `${v.simulator.connectionName}${DEMO_CONNECTION_SUFFIX}` });
    }
    const started = idp;
    return {
      gateway,
      sims,
      idp: started,
      tokens,
      close: async () => {
        await gateway.close();
        await started.close();
        await sims.close();
        removeTemporary();
      },
    };
  } catch (err) {
    await idp?.close();
    await sims.close();
    removeTemporary();
    throw err;
  }
}
