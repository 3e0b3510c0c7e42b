/** Node refetching and connections. */
import { capabilitiesOf } from '../../domain/capabilities';
import type { Resolvers } from '../../generated/graphql';
import { vendorEnum } from '../enums';
import { DateTime, Duration, JSONScalar, PhoneNumber } from './scalars';
import { loadNode, typeOfNode } from './nodes';

export const baseResolvers: Resolvers = {
  DateTime,
  JSON: JSONScalar,
  Duration,
  PhoneNumber,
  Node: {
    __resolveType: (model) => typeOfNode(model) ?? 'Agent',
  },
  Query: {
    node: (_root, { id }, ctx) => loadNode(id, ctx),
    // graphql-js treats an Error returned in a list as thrown at that index: null plus an error there,
    // while the other items still resolve.
    nodes: (_root, { ids }, ctx) => Promise.all(ids.map((id) => loadNode(id, ctx).catch((err: Error) => err as never))),
    connections: (_root, _args, ctx) => [...ctx.tenant.connections.values()],
  },
  Connection: {
    id: (c) => c.connectionId,
    vendor: (c) => vendorEnum(c.vendor),
    capabilities: (c) => capabilitiesOf(c),
    status: (c) => c.upstream.health.status,
    statusCheckedAt: (c) => (c.upstream.health.checkedAt === null ? null : new Date(c.upstream.health.checkedAt)),
    lastErrorCode: (c) => c.upstream.health.lastErrorCode,
  },
};
