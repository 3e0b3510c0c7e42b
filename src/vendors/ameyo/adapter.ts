/**
 * Ameyo adapter: presence, monitoring tables, the configured campaigns, contact uploads, dialing and
 * disposition, voice logs, one module each under ./capabilities/, composed here on one upstream whose auth
 * picks each API family's own.
 */
import type { VendorAdapter } from '../../domain/types';
import { UnsupportedByVendorError } from '../../errors';
import { basicAuthHeader } from '../../upstream/auth';
import { createUpstream, type SharedConnectionState } from '../../upstream/createUpstream';
import type { PoolRegistry } from '../../upstream/transport';
import type { UpstreamInterceptor } from '../../upstream/types';
import { createAgentDirectory, createSessionReader } from './capabilities/agents';
import { createCampaignCatalog } from './capabilities/campaigns';
import { createContactUploader } from './capabilities/contactUploads';
import type { AmeyoContext } from './capabilities/context';
import { createDialer } from './capabilities/dialer';
import { createPresenceTables } from './capabilities/presence';
import { createRecordingSource } from './capabilities/recordings';
import { AmeyoClient } from './client';
import type { AmeyoConnectionConfig } from './config';
import { ameyoError } from './errors';
import { ameyoRoutes } from './routes';

export { ameyoAgentStatus } from './capabilities/agents';

/**
 * Each API family has its own auth (notes §3): Basic for CMS and data engine; `hash-key`,
 * `policy-name` and `requesting-host` for web-access commands; the app-server token for
 * disposeCallForUser; the agent's `sessionId` (given per request) for disposeAndManualDial. No family
 * ever receives another's credentials.
 */
function createAmeyoAuthInterceptor(config: AmeyoConnectionConfig): UpstreamInterceptor {
  const basic = basicAuthHeader(config.credentials.username, config.credentials.password);
  return (next) => (req) => {
    const route = req.route as keyof typeof ameyoRoutes;
    const family = ameyoRoutes[route]?.family;
    const headers = { ...req.headers };
    if (family === 'cms' || family === 'dataEngine') headers['authorization'] = basic;
    else if (route === 'clickToDial' || route === 'downloadVoiceLog') {
      if (!config.webAccess) throw new UnsupportedByVendorError(`connection '${config.id}' has no webAccess credentials`, { vendor: 'ameyo', connectionId: config.id });
      headers['hash-key'] = config.webAccess.hashKey;
      headers['policy-name'] = config.webAccess.policyName;
      headers['requesting-host'] = config.webAccess.requestingHost;
    } else if (route === 'disposeCallForUser') {
      if (!config.appServerToken) throw new UnsupportedByVendorError(`connection '${config.id}' has no appServerToken`, { vendor: 'ameyo', connectionId: config.id });
      headers['authorization'] = config.appServerToken;
    }
    return next({ ...req, headers });
  };
}

export function createAmeyoAdapter(tenantId: string, pools: PoolRegistry, config: AmeyoConnectionConfig, shared: SharedConnectionState = {}): VendorAdapter {
  const upstream = createUpstream(tenantId, config, pools, shared, { toError: ameyoError, createAuth: () => createAmeyoAuthInterceptor(config) });
  const ctx: AmeyoContext = { client: new AmeyoClient(upstream, config), config, cid: config.id };
  const sessionsOf = createSessionReader(ctx);

  // The members' order is the order `Query.connections` lists the capabilities in (src/domain/capabilities.ts).
  // The catalog needs configured campaigns; dialing web-access credentials or the app-server token,
  // recordings web access (the auth above).
  return {
    vendor: 'ameyo',
    connectionId: config.id,
    upstream,
    agents: createAgentDirectory(sessionsOf),
    presence: createPresenceTables(ctx),
    ...(config.campaigns.length > 0 ? { campaigns: createCampaignCatalog(ctx) } : {}),
    contactUploads: createContactUploader(ctx),
    ...(config.webAccess || config.appServerToken ? { dialer: createDialer(ctx, sessionsOf) } : {}),
    ...(config.webAccess ? { recordings: createRecordingSource(ctx) } : {}),
  };
}
