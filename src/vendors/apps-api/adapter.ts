/**
 * Apps API adapter: every capability the Apps API and its Manager API give, one module each under
 * ./capabilities/, composed here on one upstream and one client.
 */
import type { VendorAdapter } from '../../domain/types';
import { basicAuthHeader, createStaticHeadersInterceptor } from '../../upstream/auth';
import { createUpstream, type SharedConnectionState } from '../../upstream/createUpstream';
import type { PoolRegistry } from '../../upstream/transport';
import { createAgentControl, createAgentDirectory } from './capabilities/agents';
import { createBulkUserAdmin } from './capabilities/bulkUsers';
import { createCallCreator, createCallData, createCallLog } from './capabilities/calls';
import { createChatControl, createChatLog } from './capabilities/chats';
import { createCampaignCatalog, createLeadStore } from './capabilities/campaigns';
import { createCrmDataSink, createDncList, createEndUserDirectory, createSmsSender } from './capabilities/contacts';
import type { AppsApiContext } from './capabilities/context';
import { createContactListAdmin } from './capabilities/contactLists';
import { createLeadImporter } from './capabilities/leadImports';
import { createQueueSettingsAdmin } from './capabilities/queueSettings';
import { createQueueStatus } from './capabilities/queues';
import { AppsApiClient } from './client';
import type { AppsApiConnectionConfig } from './config';
import { appsApiError } from './errors';

export { appsApiAgentStatus } from './capabilities/agents';

export function createAppsApiAdapter(tenantId: string, pools: PoolRegistry, config: AppsApiConnectionConfig, shared: SharedConnectionState = {}): VendorAdapter {
  const upstream = createUpstream(tenantId, config, pools, shared, {
    toError: appsApiError,
    createAuth: () => createStaticHeadersInterceptor({ authorization: basicAuthHeader(config.credentials.subdomain, config.credentials.apiToken) }),
  });
  const ctx: AppsApiContext = { client: new AppsApiClient(upstream, config), config, cid: config.id };

  // The members' order is the order `Query.connections` lists the capabilities in (src/domain/capabilities.ts).
  return {
    vendor: 'apps-api',
    connectionId: config.id,
    upstream,
    agents: createAgentDirectory(ctx),
    agentControl: createAgentControl(ctx),
    calls: createCallLog(ctx),
    callCreator: createCallCreator(ctx),
    callData: createCallData(ctx),
    campaigns: createCampaignCatalog(ctx),
    leads: createLeadStore(ctx),
    sms: createSmsSender(ctx),
    queues: createQueueStatus(ctx),
    endUsers: createEndUserDirectory(ctx),
    dnc: createDncList(ctx),
    crm: createCrmDataSink(ctx),
    bulkUsers: createBulkUserAdmin(ctx),
    chats: createChatLog(ctx),
    chatControl: createChatControl(ctx),
    queueSettings: createQueueSettingsAdmin(ctx),
    contactLists: createContactListAdmin(ctx),
    leadImports: createLeadImporter(ctx),
  };
}
