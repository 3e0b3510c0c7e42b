/** Refetching any node by global ID (`node`, `nodes`, and the typed `agent`, `call`, `campaign` fields). */
import type { Agent, Call, Campaign, ContactUploadTask, Lead, Queue } from '../../domain/types';
import { NotFoundError } from '../../errors';
import { nodeKey, type GatewayContext } from '../context';
import { decodeGlobalId, splitLeadNativeKey, splitUploadTaskNativeKey, type NodeType } from '../ids';

type NodeModel = Agent | Call | Campaign | Lead | Queue | ContactUploadTask;

/** Which schema type a model returned by `loadNode` is, for `Node.__resolveType`. */
const nodeTypes = new WeakMap<object, NodeType>();
export const typeOfNode = (model: object): NodeType | undefined => nodeTypes.get(model);

export const notFound = (id: string) => new NotFoundError(`could not resolve to a node with id ${JSON.stringify(id)}`);

async function load(type: NodeType, connectionId: string, nativeId: string, ctx: GatewayContext): Promise<NodeModel | null> {
  const adapter = ctx.tenant.connections.get(connectionId);
  if (!adapter) return null;
  const key = nodeKey(connectionId, nativeId);
  switch (type) {
    case 'Agent':
      return adapter.agents ? ctx.loaders.agent.load(key) : null;
    case 'Call':
      return adapter.calls ? ctx.loaders.call.load(key) : null;
    case 'Campaign':
      return adapter.campaigns ? ctx.loaders.campaign.load(key) : null;
    case 'Lead': {
      const parts = splitLeadNativeKey(nativeId);
      return parts && adapter.leads ? adapter.leads.getLead(parts.campaignNativeId, parts.leadNativeId, ctx.scope) : null;
    }
    case 'ContactUploadTask': {
      // The task is named by its ids; reading its error report is what talks to the vendor.
      const parts = splitUploadTaskNativeKey(nativeId);
      return parts && adapter.contactUploads ? { connectionId, ...parts } : null;
    }
    case 'Queue': {
      const i = nativeId.indexOf('/');
      if (i <= 0 || !adapter.queues) return null;
      const queues = await adapter.queues.listQueues(nativeId.slice(0, i), ctx.scope);
      return queues.find((q) => q.nativeId === nativeId.slice(i + 1)) ?? null;
    }
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
