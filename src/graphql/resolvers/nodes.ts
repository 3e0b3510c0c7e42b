/** Refetching any node by global ID (`node`, `nodes`, and the typed `agent`, `call`, `campaign`, ... fields). */
import { getLead } from '../../domain/campaigns';
import { getChat } from '../../domain/chats';
import { getEndUser } from '../../domain/contacts';
import { getDialAttempt, type DialAttempt } from '../../domain/dialing';
import { getQueue } from '../../domain/queues';
import { getQueueSettingsVersion } from '../../domain/queueSettings';
import type { Agent, BulkUserJob, Call, Campaign, Chat, ContactUploadTask, EndUser, Lead, Queue, QueueSettingsVersion } from '../../domain/types';
import type { LeadImportRecord } from '../../imports/store';
import { getBulkUserJob, hasContactUploads } from '../../domain/uploads';
import { NotFoundError } from '../../errors';
import { nodeKey, type GatewayContext } from '../context';
import { decodeGlobalId, splitDialAttemptNativeKey, splitLeadNativeKey, splitQueueNativeKey, splitUploadTaskNativeKey, type NodeType } from '../ids';

type NodeModel = Agent | Call | Chat | Campaign | Lead | Queue | ContactUploadTask | DialAttempt | EndUser | BulkUserJob | LeadImportRecord | QueueSettingsVersion;

/** Which schema type a model returned by `loadNode` is, for `Node.__resolveType`. */
const nodeTypes = new WeakMap<object, NodeType>();
export const typeOfNode = (model: object): NodeType | undefined => nodeTypes.get(model);

export const notFound = (id: string) => new NotFoundError(`could not resolve to a node with id ${JSON.stringify(id)}`);

/** The object a global ID's parts name; null where the connection has no such object or cannot look it up. */
async function load(type: NodeType, connectionId: string, nativeId: string, ctx: GatewayContext): Promise<NodeModel | null> {
  if (!ctx.tenant.connections.has(connectionId)) return null;
  const key = nodeKey(connectionId, nativeId);
  switch (type) {
    // The loaders answer null for a connection without the capability (src/graphql/context.ts).
    case 'Agent':
      return ctx.loaders.agent.load(key);
    case 'Call':
      return ctx.loaders.call.load(key);
    case 'Campaign':
      return ctx.loaders.campaign.load(key);
    case 'Lead': {
      const parts = splitLeadNativeKey(nativeId);
      return parts ? getLead(ctx.tenant, connectionId, parts.campaignNativeId, parts.leadNativeId, ctx.scope) : null;
    }
    case 'ContactUploadTask': {
      // The task is named by its ids; reading its error report is what talks to the vendor.
      const parts = splitUploadTaskNativeKey(nativeId);
      return parts && hasContactUploads(ctx.tenant, connectionId) ? { connectionId, ...parts } : null;
    }
    case 'Queue': {
      const parts = splitQueueNativeKey(nativeId);
      return parts ? getQueue(ctx.tenant, connectionId, parts.lang, parts.queueNativeId, ctx.scope) : null;
    }
    case 'DialAttempt': {
      // Read from the command's idempotency record: no vendor call.
      const parts = splitDialAttemptNativeKey(nativeId);
      return parts ? getDialAttempt(ctx.tenant, ctx.idempotency, connectionId, parts.command, parts.idempotencyKey) : null;
    }
    case 'EndUser':
      return getEndUser(ctx.tenant, connectionId, nativeId, ctx.scope);
    case 'BulkUserJob':
      return getBulkUserJob(ctx.tenant, connectionId, nativeId, ctx.scope);
    case 'LeadImportJob': {
      // Our job, not the vendor's: its id names the connection it imports into, and the tenant's store holds it.
      const job = await ctx.imports.get(ctx.tenant, nativeId);
      return job?.connectionId === connectionId ? job : null;
    }
    case 'Chat':
      return getChat(ctx.tenant, connectionId, nativeId, ctx.scope);
    case 'QueueSettingsVersion':
      return getQueueSettingsVersion(ctx.tenant, connectionId, nativeId, ctx.scope);
  }
}

/**
 * Resolves a global ID within the caller's tenant; NOT_FOUND for anything else, including another
 * tenant's IDs (which name connections this tenant does not have) and IDs of a different `expect`ed type.
 */
export async function loadNode<T extends NodeModel = NodeModel>(id: string, ctx: GatewayContext, expect?: NodeType): Promise<T> {
  const gid = decodeGlobalId(id);
  if (expect && gid.type !== expect) throw notFound(id);
  const model = await load(gid.type, gid.connectionId, gid.nativeId, ctx);
  if (!model) throw notFound(id);
  nodeTypes.set(model, gid.type);
  return model as T;
}
