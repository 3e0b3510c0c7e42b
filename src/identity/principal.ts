/**
 * Who is calling (issue 13): a server-to-server caller with an API key, or an end user with a JWT from the
 * tenant's identity provider, with a role and, for agents, their own agent on each connection.
 *
 * Roles, lowest first: `agent`, `supervisor`, `admin`. An API key is a role of its own, `service`, above
 * them all: the gateway's callers before end-user auth existed keep what they had. The schema says which
 * role each field needs (`@requiresRole`, src/graphql/authorization.ts).
 *
 * An agent's own vendor agent per connection comes, in order, from:
 *   1. the token's agent claim (`claims.agent`, default `agent_id`): a string (the same vendor id on every
 *      connection) or an object `{ "<connectionId>": "<vendor agent id>" }`;
 *   2. the tenant's map (`tenants[].auth.agents`), keyed by the token's `sub` or its email claim.
 * Neither comes from a request's arguments: an argument naming an agent is compared with it.
 */
import type { JWTPayload } from 'jose';
import type { JwtAuthConfig, TenantConfig } from '../config/schema';

export type Role = 'agent' | 'supervisor' | 'admin';
export const ROLES: readonly Role[] = ['agent', 'supervisor', 'admin'];

export type Principal =
  | { readonly kind: 'apiKey' }
  | {
      readonly kind: 'user';
      readonly role: Role;
      readonly subject: string;
      readonly email: string | null;
      /** Seconds since the epoch when the token expires. */
      readonly expiresAt: number;
      /** The caller's own vendor agent id on a connection, or null when none is mapped. */
      agentOn(connectionId: string): string | null;
    };

export const API_KEY_PRINCIPAL: Principal = { kind: 'apiKey' };

/** True when `principal` holds `role` or a higher one; an API key holds every role. */
export function hasRole(principal: Principal, role: Role): boolean {
  return principal.kind === 'apiKey' || ROLES.indexOf(principal.role) >= ROLES.indexOf(role);
}

/** The value at a dotted path of the claims (`realm_access.roles`), or undefined. */
function claimAt(payload: JWTPayload, path: string): unknown {
  let v: unknown = payload;
  for (const key of path.split('.')) {
    if (v === null || typeof v !== 'object' || !Object.hasOwn(v, key)) return undefined;
    v = (v as Record<string, unknown>)[key];
  }
  return v;
}

/** The highest role the token's role claim grants through the tenant's mapping, or null. */
export function roleOf(payload: JWTPayload, jwt: JwtAuthConfig): Role | null {
  const raw = claimAt(payload, jwt.claims.roles);
  const values = typeof raw === 'string' ? raw.split(' ') : Array.isArray(raw) ? raw.filter((r): r is string => typeof r === 'string') : [];
  let best: Role | null = null;
  for (const role of ROLES) if (jwt.roles[role].some((name) => values.includes(name))) best = role;
  return best;
}

/** The principal of a verified token; null when the token grants no role this tenant maps. */
export function principalOf(payload: JWTPayload, jwt: JwtAuthConfig, agents: TenantConfig['auth']['agents']): Principal | null {
  const role = roleOf(payload, jwt);
  if (!role) return null;
  const subject = String(payload.sub);
  const emailClaim = claimAt(payload, jwt.claims.email);
  const email = typeof emailClaim === 'string' ? emailClaim : null;
  const agentClaim = claimAt(payload, jwt.claims.agent);
  const mapped = agents[subject] ?? (email !== null ? agents[email] : undefined);
  return {
    kind: 'user',
    role,
    subject,
    email,
    expiresAt: Number(payload.exp),
    agentOn(connectionId) {
      if (typeof agentClaim === 'string' && agentClaim !== '') return agentClaim;
      if (agentClaim !== null && typeof agentClaim === 'object' && Object.hasOwn(agentClaim, connectionId)) {
        const id = (agentClaim as Record<string, unknown>)[connectionId];
        if (typeof id === 'string' && id !== '') return id;
      }
      return mapped && Object.hasOwn(mapped, connectionId) ? mapped[connectionId]! : null;
    },
  };
}
