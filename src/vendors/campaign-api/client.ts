/** The campaign-API wire client: login and requests by route name; no domain mapping. */
import type { CampaignApiConnectionConfig } from '../../config/schema';
import type { ErrorFacts } from '../../errors';
import type { IssuedToken } from '../../upstream/auth';
import type { RequestScope, UpstreamHandler } from '../../upstream/types';
import { UpstreamError } from '../../errors';
import { jwtExpiryMs } from '../jwt';
import { JsonObject, parseJsonKeepingDuplicates } from '../jsonEntries';
import { callRoute, type RouteCall, type RouteContext } from '../routes';
import { readWire, readWireIfShaped } from '../wire';
import { campaignApiError } from './errors';
import { campaignApiRoutes, type CampaignApiFamily, type CampaignApiRoute } from './routes';
import { wireActivityPage, wireLead, wireLeadPage, wireLogin, wireQueueList, type WireActivityRecord, type WireLead, type WireQueue } from './types';

/** One campaign of the leads-by-status report, with every `leads_by_status` entry kept (duplicates too). */
export interface CampaignStatusRow {
  id: string;
  name: string | null;
  status: string | null;
  totalLeads: number | null;
  /** `[status, count]` in the order the vendor printed them; a status may appear more than once. */
  leadsByStatus: Array<[string, number]>;
  raw: unknown;
}

export class CampaignApiClient {
  private readonly ctx: RouteContext<CampaignApiFamily>;
  private readonly facts: ErrorFacts;

  constructor(
    send: UpstreamHandler,
    private readonly config: CampaignApiConnectionConfig,
  ) {
    this.ctx = { send, baseUrls: { portal: config.baseUrl }, cacheTtlMs: config.cacheTtlMs, overrides: config.routes };
    this.facts = { vendor: 'campaign-api', connectionId: config.id };
  }

  /**
   * `POST /api/v2/login`. `send` is the rate-limited chain below auth, so errors are mapped here. The
   * token's lifetime comes from its `exp`; without one, `tokenTtlMs` (notes §2: clients assume ~1 h).
   */
  static async login(send: UpstreamHandler, config: CampaignApiConnectionConfig, scope: RequestScope): Promise<IssuedToken> {
    if (!('username' in config.credentials)) throw new TypeError('login needs username/password credentials');
    const { username, password, domain } = config.credentials;
    const facts: ErrorFacts = { vendor: 'campaign-api', connectionId: config.id, route: 'login' };
    const ctx: RouteContext<CampaignApiFamily> = { send, baseUrls: { portal: config.baseUrl }, cacheTtlMs: 0, overrides: config.routes };
    const res = await callRoute(ctx, campaignApiRoutes, 'login', scope, { json: { username, password, domain } });
    if (res.status >= 400) throw campaignApiError(res, { ...facts, upstreamStatus: res.status });
    const body = readWire(res, wireLogin, facts);
    return { token: body.access_token, expiresAt: jwtExpiryMs(body.access_token) ?? Date.now() + config.tokenTtlMs };
  }

  private send(route: CampaignApiRoute, scope: RequestScope, call: RouteCall = {}) {
    return callRoute(this.ctx, campaignApiRoutes, route, scope, call);
  }

  /** `GET /callcenter/queues/status`: every queue with its agents. */
  async queuesStatus(scope: RequestScope): Promise<WireQueue[]> {
    const res = await this.send('queuesStatus', scope);
    const facts = { ...this.facts, route: 'queuesStatus' };
    return readWire(res, wireQueueList, facts);
  }

  /** `GET /api/v2/reports/campaigns/leads/status`, read with duplicate keys kept (see jsonEntries.ts). */
  async campaignsStatus(scope: RequestScope): Promise<CampaignStatusRow[]> {
    const res = await this.send('campaignsStatus', scope);
    const facts = { ...this.facts, route: 'campaignsStatus', upstreamStatus: res.status };
    let doc;
    try {
      doc = parseJsonKeepingDuplicates(res.body.toString('utf8'));
    } catch {
      throw new UpstreamError('campaign-api sent a response that is not valid JSON', facts);
    }
    if (!(doc instanceof JsonObject)) throw new UpstreamError('campaign-api sent an unexpected response: body: expected an object keyed by campaign id', facts);
    return doc.entries.map(([id, v]) => {
      if (!(v instanceof JsonObject)) throw new UpstreamError(`campaign-api sent an unexpected response: ${id}: expected an object`, facts);
      const str = (k: string) => (typeof v.get(k) === 'string' ? (v.get(k) as string) : null);
      const byStatus = v.get('leads_by_status');
      const leadsByStatus: Array<[string, number]> = byStatus instanceof JsonObject ? byStatus.entries.filter((e): e is [string, number] => typeof e[1] === 'number').map(([k, n]) => [k, n]) : [];
      const total = v.get('total_leads');
      return { id, name: str('name'), status: str('status'), totalLeads: typeof total === 'number' ? total : null, leadsByStatus, raw: v };
    });
  }

  /** One page of `GET /api/v2/config/campaigns/{id}/leads` (`page_size`, `next_start_key`). */
  async listLeads(scope: RequestScope, campaignId: string, pageSize: number, startKey: string | null): Promise<{ leads: WireLead[]; nextKey: string | null }> {
    const res = await this.send('listLeads', scope, { params: { campaignId }, query: { page_size: pageSize, next_start_key: startKey } });
    const facts = { ...this.facts, route: 'listLeads' };
    const page = readWire(res, wireLeadPage, facts);
    return { leads: page.data, nextKey: page.next_start_key || null };
  }

  /** One page of `GET /api/v2/reports/campaigns/leads/history`; dates in Unix seconds (notes §2). */
  async activity(scope: RequestScope, from: Date, to: Date, pageSize: number, startKey: string | null): Promise<{ records: WireActivityRecord[]; nextKey: string | null }> {
    const res = await this.send('campaignActivity', scope, {
      query: { startDate: Math.floor(from.getTime() / 1000), endDate: Math.floor(to.getTime() / 1000), pageSize, startKey },
    });
    const facts = { ...this.facts, route: 'campaignActivity' };
    const page = readWire(res, wireActivityPage, facts);
    if (!Array.isArray(page)) return { records: page.data, nextKey: page.next_start_key || null };
    // The document's answer is a bare array, and its `startKey` is a "pagination index": the index of a page's
    // first record (our reading). A full page may have more behind it; a short one is the last (issue 16, item 3).
    const index = startKey !== null && /^\d+$/.test(startKey) ? Number(startKey) : 0;
    return { records: page, nextKey: page.length >= pageSize ? String(index + page.length) : null };
  }

  /**
   * "Add Lead to campaign". The document gives the answer no body ("200 Lead added to campaign successfully"); the
   * gateway reads the lead from it. A 2xx it cannot read is an upstream error that says the lead may exist: the
   * vendor took the request, so neither "bad input" nor "try again" would be true (issue 16, item 4).
   */
  async addLead(scope: RequestScope, campaignId: string, body: Record<string, unknown>): Promise<WireLead> {
    const res = await this.send('addLead', scope, { params: { campaignId }, json: body, method: this.config.leadCreateMethod });
    const lead = readWireIfShaped(res, wireLead);
    if (lead) return lead;
    throw new UpstreamError(
      `campaign-api answered the new lead with HTTP ${res.status} and a body the gateway cannot read: the lead may have been added. ` + "Look for it in the campaign's leads before adding it again.",
      { ...this.facts, route: 'addLead', upstreamStatus: res.status, retryable: false },
    );
  }

  async setLeadStatus(scope: RequestScope, leadId: string, status: string): Promise<void> {
    await this.send('setLeadStatus', scope, { params: { leadId, status } });
  }

  async deleteLead(scope: RequestScope, leadId: string): Promise<void> {
    await this.send('deleteLead', scope, { params: { leadId } });
  }

  async setVoicemailDisposition(scope: RequestScope, cdrId: string): Promise<void> {
    await this.send('setVoicemailDisposition', scope, { params: { cdrId } });
  }
}
