/**
 * Ameyo adapter: presence, monitoring tables, the configured campaigns, contact uploads, dialing and
 * disposition, voice logs, CSV lead imports, one module each under ./capabilities/, composed here on one upstream whose auth
 * picks each API family's own.
 */
import type { VendorAdapter } from '../../domain/types';
import { UnsupportedByVendorError } from '../../errors';
import { basicAuthHeader, createTokenAuth } from '../../upstream/auth';
import { createUpstream } from '../../upstream/createUpstream';
import type { PoolRegistry } from '../../upstream/transport';
import { compose, type UpstreamHandler, type UpstreamInterceptor, type UpstreamRequest } from '../../upstream/types';
import { createAgentDirectory, createSessionReader } from './capabilities/agents';
import { createCampaignCatalog } from './capabilities/campaigns';
import { createContactUploader } from './capabilities/contactUploads';
import type { AmeyoContext } from './capabilities/context';
import { createDialer } from './capabilities/dialer';
import { recordedLegs } from './crm';
import { createLeadImporter } from './capabilities/leadImports';
import { createPresenceTables } from './capabilities/presence';
import { createRecordingSource } from './capabilities/recordings';
import { AmeyoClient } from './client';
import { createAmeyoProvisioner } from './credentials';
import type { AmeyoConnectionConfig } from './config';
import type { ConnectionState } from '../module';
import { ameyoError } from './errors';
import { ameyoRoutes } from './routes';

export { ameyoAgentStatus } from './capabilities/agents';

/**
 * Each API family has its own auth (notes §3): Basic for CMS and data engine (fixed, or provisioned by the
 * gateway from the admin token: ./credentials.ts); `hash-key`, `policy-name` and `requesting-host` for
 * web-access commands; the app-server token for disposeCallForUser; the agent's `sessionId` (given per
 * request) for disposeAndManualDial. No family ever receives another's credentials.
 */
function createAmeyoAuthInterceptor(config: AmeyoConnectionConfig, paced: UpstreamHandler): UpstreamInterceptor {
  const familyOf = (req: UpstreamRequest) => ameyoRoutes[req.route as keyof typeof ameyoRoutes]?.family;
  const takesBasic = (req: UpstreamRequest) => familyOf(req) === 'cms' || familyOf(req) === 'dataEngine';
  const creds = config.credentials;
  let basicAuth: UpstreamInterceptor;
  if ('adminToken' in creds) {
    const provisioner = createAmeyoProvisioner(paced, config, creds);
    basicAuth = createTokenAuth({
      obtainToken: (scope, reason) => provisioner.obtain(scope, reason),
      applyToken: (headers, token) => ({ ...headers, authorization: token }),
      refreshSkewMs: creds.renewBeforeSeconds * 1000,
      appliesTo: takesBasic,
    }).interceptor;
  } else {
    const basic = basicAuthHeader(creds.username, creds.password);
    basicAuth = (next) => (req) => next(takesBasic(req) ? { ...req, headers: { ...req.headers, authorization: basic } } : req);
  }
  const appServerAuth: UpstreamInterceptor = (next) => (req) => {
    const route = req.route;
    const headers = { ...req.headers };
    if (route === 'clickToDial' || route === 'downloadVoiceLog') {
      if (!config.webAccess) throw new UnsupportedByVendorError(`connection '${config.id}' has no webAccess credentials`, { vendor: 'ameyo', connectionId: config.id });
      headers['hash-key'] = config.webAccess.hashKey;
      headers['policy-name'] = config.webAccess.policyName;
      headers['requesting-host'] = config.webAccess.requestingHost;
    } else if (route === 'disposeCallForUser') {
      if (!config.appServerToken) throw new UnsupportedByVendorError(`connection '${config.id}' has no appServerToken`, { vendor: 'ameyo', connectionId: config.id });
      headers['authorization'] = config.appServerToken;
    } else return next(req);
    return next({ ...req, headers });
  };
  return (next) => compose(next, [appServerAuth, basicAuth]);
}

export function createAmeyoAdapter(tenantId: string, pools: PoolRegistry, config: AmeyoConnectionConfig, shared: ConnectionState = {}): VendorAdapter {
  const upstream = createUpstream(tenantId, config, pools, shared, { toError: ameyoError, createAuth: (paced) => createAmeyoAuthInterceptor(config, paced) });
  const ctx: AmeyoContext = { client: new AmeyoClient(upstream, config), config, cid: config.id };
  const agentLegs = shared.agentLegs;
  const sessionsOf = createSessionReader(ctx);

  // The members' order is the order `Query.connections` lists the capabilities in (src/domain/capabilities.ts).
  // The catalog and lead imports need configured campaigns; dialing web-access credentials or the app-server
  // token, recordings web access (the auth above).
  return {
    vendor: 'ameyo',
    connectionId: config.id,
    upstream,
    agents: createAgentDirectory(sessionsOf),
    presence: createPresenceTables(ctx),
    ...(config.campaigns.length > 0 ? { campaigns: createCampaignCatalog(ctx) } : {}),
    contactUploads: createContactUploader(ctx),
    ...(config.webAccess || config.appServerToken ? { dialer: createDialer(ctx, sessionsOf, agentLegs ? recordedLegs(agentLegs, tenantId, config.id) : null) } : {}),
    ...(config.webAccess ? { recordings: createRecordingSource(ctx) } : {}),
    ...(config.campaigns.length > 0 ? { leadImports: createLeadImporter(ctx) } : {}),
  };
}
