/**
 * Authorization in the schema (issue 13): `@requiresRole(role, selfArgument, ownCall)` on a field says who
 * may use it, where a client developer reads the schema (the IDE's Docs pane shows each field's rule in
 * its description, `authorizationDocs`). A field without it is open to every authenticated caller.
 *
 * The check wraps the field's resolver, so it runs before the resolver and therefore before any vendor
 * call; a refused field is null with a `FORBIDDEN` error on its path, and the rest of the answer is kept.
 *
 * - `role`: the lowest role that may use the field (an API key holds every role).
 * - `selfArgument`: an argument path (`input.agentId`, `input.agentIds`) naming Agents: a caller below
 *   `role` may still use the field when every agent it names is their own (src/identity/principal.ts) and
 *   the paths in `othersIn` (teams, IP ranges: other people) are empty.
 * - `ownCallArgument`: an argument path naming a Call: a caller below `role` may use the field when that call
 *   is theirs. The call is read to learn whose it is (the same read a resolver would make); the field's own
 *   vendor call is only made once it is.
 * - `ownAgent`: on a field of Agent, a caller below `role` may read it on their own agent (their presence,
 *   with the customer on the line) but not on a colleague's.
 * - `ownCall`: on a field that returns calls (or nodes), a caller below `role` gets what is not a call and
 *   the calls that are theirs; another agent's call is null with `FORBIDDEN` in its place. This one is
 *   checked after the vendor read (whose call it is is only known then); nothing else is sent. A dial
 *   attempt counts as a call (it is one agent's, like the call it starts).
 *
 * `node` and `nodes` answer every type; a type whose own query needs a higher role than theirs
 * (`NODE_TYPE_ROLES`) needs it there too, so a global ID is never a way around a field's rule.
 */
import { getDirective, MapperKind, mapSchema } from '@graphql-tools/utils';
import { defaultFieldResolver, getNamedType, type GraphQLFieldConfig, type GraphQLSchema } from 'graphql';
import type { Agent, Call } from '../domain/types';
import { ForbiddenError } from '../errors';
import { hasRole, type Principal, type Role } from '../identity/principal';
import { nodeKey, type GatewayContext } from './context';
import { decodeGlobalId, type NodeType } from './ids';
import { typeOfNode } from './resolvers/nodes';

/** Node types whose own query needs more than `node`/`nodes` do (schema: `bulkUserJob`, `leadImportJob`, `chat`, `queueSettingsVersion`). */
const NODE_TYPE_ROLES: Partial<Record<NodeType, Role>> = { BulkUserJob: 'admin', LeadImportJob: 'admin', Chat: 'supervisor', QueueSettingsVersion: 'admin' };

/** Types one agent's, as a call is: an agent's own are visible to them under an `ownCall` rule. */
const CALL_TYPES: ReadonlySet<string> = new Set<NodeType>(['Call', 'DialAttempt']);

interface Rule {
  role: Role;
  selfArgument?: string;
  othersIn?: string[];
  ownCall?: boolean;
  ownAgent?: boolean;
  ownCallArgument?: string;
}

/** The values at a dotted argument path, flattened (`input.agentIds` gives every id of the list). */
function valuesAt(args: Record<string, unknown>, path: string): unknown[] {
  let v: unknown = args;
  for (const key of path.split('.')) {
    if (v === null || typeof v !== 'object' || !Object.hasOwn(v, key)) return [];
    v = (v as Record<string, unknown>)[key];
  }
  return v === undefined || v === null ? [] : Array.isArray(v) ? v : [v];
}

/** True when the argument names at least one agent, every one is the caller's own, and `othersIn` names nobody. */
function namesOnlyOwnAgents(principal: Principal, args: Record<string, unknown>, rule: Rule): boolean {
  if (principal.kind !== 'user' || !rule.selfArgument) return false;
  if ((rule.othersIn ?? []).some((path) => valuesAt(args, path).length > 0)) return false;
  const ids = valuesAt(args, rule.selfArgument);
  if (ids.length === 0) return false;
  return ids.every((id) => {
    if (typeof id !== 'string') return false;
    try {
      const gid = decodeGlobalId(id);
      return gid.type === 'Agent' && principal.agentOn(gid.connectionId) === gid.nativeId;
    } catch {
      return false;
    }
  });
}

/** True when the argument names one Call and it is the caller's (read through the request's call loader). */
async function namesOwnCall(principal: Principal, args: Record<string, unknown>, path: string, ctx: GatewayContext): Promise<boolean> {
  if (principal.kind !== 'user') return false;
  const ids = valuesAt(args, path);
  if (ids.length !== 1 || typeof ids[0] !== 'string') return false;
  let gid;
  try {
    gid = decodeGlobalId(ids[0]);
  } catch {
    return false;
  }
  if (gid.type !== 'Call') return false;
  const call = await ctx.loaders.call.load(nodeKey(gid.connectionId, gid.nativeId)).catch(() => null);
  return call !== null && isOwnCall(principal, call);
}

function isOwnAgent(principal: Principal, agent: Agent): boolean {
  return principal.kind === 'user' && principal.agentOn(agent.connectionId) === agent.nativeId;
}

/** A call's, or a dial attempt's (which has the same two fields), agent is the caller. */
function isOwnCall(principal: Principal, call: Pick<Call, 'connectionId' | 'agentNativeId'>): boolean {
  return principal.kind === 'user' && call.agentNativeId !== null && principal.agentOn(call.connectionId) === call.agentNativeId;
}

/**
 * What a caller below the rule's role may see of a field's value: everything that is not a call, and
 * their own calls; another's call becomes a FORBIDDEN error in its place (in a list, at its index).
 */
function ownCallsOnly(value: unknown, returnsCall: boolean, principal: Principal, refusal: () => Error): unknown {
  const visible = (v: unknown) => v === null || typeof v !== 'object' || v instanceof Error || !(returnsCall || CALL_TYPES.has(typeOfNode(v) ?? '')) || isOwnCall(principal, v as Call);
  if (Array.isArray(value)) return (value as unknown[]).map((v) => (visible(v) ? v : refusal()));
  if (!visible(value)) throw refusal();
  return value;
}

const roleName = (role: Role) => role.toUpperCase();

/** A `node`/`nodes` value without the nodes whose type needs a role the caller lacks (FORBIDDEN in their place). */
function withoutNodesAboveRole(value: unknown, principal: Principal, where: string): unknown {
  const refusalFor = (v: unknown): Error | null => {
    if (v === null || typeof v !== 'object' || v instanceof Error) return null;
    const type = typeOfNode(v);
    const role = type && NODE_TYPE_ROLES[type];
    return role && !hasRole(principal, role) ? new ForbiddenError(`${where}: a ${type} needs the ${roleName(role)} role`) : null;
  };
  if (Array.isArray(value)) return (value as unknown[]).map((v) => refusalFor(v) ?? v);
  const refused = refusalFor(value);
  if (refused) throw refused;
  return value;
}

/** The sentence a refusal and the Docs pane use for a rule. */
export function describeRule(rule: Rule): string {
  const own = rule.selfArgument
    ? `, or any role for the caller's own agent (\`${rule.selfArgument}\`${rule.othersIn?.length ? `, with ${rule.othersIn.map((p) => `\`${p}\``).join(' and ')} empty` : ''})`
    : rule.ownCallArgument
      ? `, or any role on the caller's own call (\`${rule.ownCallArgument}\`)`
      : rule.ownCall
        ? ", or any role for the caller's own calls"
        : rule.ownAgent
          ? ", or any role on the caller's own agent"
          : '';
  return `needs the ${roleName(rule.role)} role${own}`;
}

function ruleOf(schema: GraphQLSchema, field: GraphQLFieldConfig<unknown, unknown>): Rule | null {
  const d = getDirective(schema, field, 'requiresRole')?.[0];
  if (!d) return null;
  return {
    role: String(d['role']).toLowerCase() as Role,
    ...(d['selfArgument'] ? { selfArgument: String(d['selfArgument']) } : {}),
    ...(Array.isArray(d['othersIn']) ? { othersIn: d['othersIn'].map(String) } : {}),
    ...(d['ownCall'] ? { ownCall: true } : {}),
    ...(d['ownAgent'] ? { ownAgent: true } : {}),
    ...(d['ownCallArgument'] ? { ownCallArgument: String(d['ownCallArgument']) } : {}),
  };
}

/** The schema with every `@requiresRole` field guarded and its rule appended to its description. */
export function applyAuthorization(schema: GraphQLSchema): GraphQLSchema {
  return mapSchema(schema, {
    [MapperKind.OBJECT_FIELD]: (field, fieldName, typeName) => {
      const rule = ruleOf(schema, field);
      if (!rule) return field;
      const resolve = field.resolve ?? defaultFieldResolver;
      const refusal = () => new ForbiddenError(`${typeName}.${fieldName} ${describeRule(rule)}`);
      const returnsCall = CALL_TYPES.has(getNamedType(field.type).name);
      const returnsNode = getNamedType(field.type).name === 'Node';
      const guarded: GraphQLFieldConfig<unknown, GatewayContext> = {
        ...(field as GraphQLFieldConfig<unknown, GatewayContext>),
        description: `${field.description ? `${field.description}\n\n` : ''}Authorization: ${describeRule(rule)}.`,
        async resolve(source, args: Record<string, unknown>, ctx, info) {
          const { principal } = ctx;
          const value = await (async () => {
            if (hasRole(principal, rule.role)) return resolve(source, args, ctx, info);
            if (namesOnlyOwnAgents(principal, args, rule)) return resolve(source, args, ctx, info);
            if (rule.ownAgent && isOwnAgent(principal, source as Agent)) return resolve(source, args, ctx, info);
            if (rule.ownCallArgument && (await namesOwnCall(principal, args, rule.ownCallArgument, ctx))) return resolve(source, args, ctx, info);
            if (rule.ownCall) return ownCallsOnly(await resolve(source, args, ctx, info), returnsCall, principal, refusal);
            throw refusal();
          })();
          return returnsNode ? withoutNodesAboveRole(value, principal, `${typeName}.${fieldName}`) : value;
        },
      };
      return guarded as GraphQLFieldConfig<unknown, unknown>;
    },
  });
}
