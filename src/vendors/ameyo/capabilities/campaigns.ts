/**
 * Ameyo's campaign catalog: the campaigns the connection's config names (`campaigns`). Ameyo's documented
 * APIs list none (notes/vendors-real-world.md §3: the CMS paths take a process id, the commands a campaign
 * id, and nothing enumerates either), so the catalog asks the vendor nothing; the campaign ids are what
 * contact uploads (as the process id) and manual dials take.
 */
import type { Campaign, CampaignCatalog } from '../../../domain/types';
import type { AmeyoContext } from './context';

export function createCampaignCatalog({ config, cid }: AmeyoContext): CampaignCatalog {
  const campaigns: Campaign[] = config.campaigns.map((c) => ({
    connectionId: cid,
    vendor: 'ameyo',
    nativeId: c.id,
    name: c.name,
    // Nothing reports a status or mode: the entry is configuration, and `raw` says so.
    status: 'UNKNOWN',
    rawStatus: '',
    mode: null,
    leadStats: null,
    raw: { source: 'config', id: c.id, name: c.name },
  }));
  const byId = new Map(campaigns.map((c) => [c.nativeId, c]));
  return {
    listCampaigns: async () => campaigns,
    getCampaigns: async (nativeIds) => nativeIds.map((id) => byId.get(id) ?? null),
  };
}
