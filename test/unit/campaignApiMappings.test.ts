/**
 * Campaign API readings: the leads-by-status report with a status printed twice (the vendor doc's own
 * example), lead and campaign statuses, and the duplicate-keeping JSON reader.
 */
import { campaignApiCampaignStatus, campaignApiLeadStatus, campaignApiLeadStatusValue, leadStatsOfReport } from '../../src/vendors/campaign-api/adapter';
import { JsonObject, parseJsonKeepingDuplicates, toPlain } from '../../src/vendors/jsonEntries';

/** campaign-api-9443.txt "Get Campaigns status and Leads by Status", with the doc's curly quotes made straight. */
const DOC_EXAMPLE = `{
  "campaing_id_1": {
       "name": "campaign_1",
       "status": "stopped",
       "total_leads": 44,
       "leads_by_status": {
          "new": 4,
          "success": 10,
          "failed": 5,
          "success": 25
        }
  }
}`;

describe('the leads-by-status report (duplicate keys)', () => {
  it('keeps both "success" entries of the doc example', () => {
    const doc = parseJsonKeepingDuplicates(DOC_EXAMPLE) as JsonObject;
    const byStatus = ((doc.get('campaing_id_1') as JsonObject).get('leads_by_status') as JsonObject).entries;
    expect(byStatus).toEqual([
      ['new', 4],
      ['success', 10],
      ['failed', 5],
      ['success', 25],
    ]);
  });

  it('sums the parts: success 35, and the counts add up to total_leads 44', () => {
    const stats = leadStatsOfReport({
      totalLeads: 44,
      leadsByStatus: [
        ['new', 4],
        ['success', 10],
        ['failed', 5],
        ['success', 25],
      ],
    });
    expect(stats).toEqual({
      total: 44,
      byStatus: [
        { status: 'NEW', rawStatus: 'new', count: 4 },
        { status: 'COMPLETED', rawStatus: 'success', count: 35 },
        { status: 'FAILED', rawStatus: 'failed', count: 5 },
      ],
    });
    expect(stats.byStatus.reduce((n, s) => n + s.count, 0)).toBe(stats.total);
  });

  it('falls back to the sum when total_leads is missing', () => {
    expect(
      leadStatsOfReport({
        totalLeads: null,
        leadsByStatus: [
          ['busy', 2],
          ['busy', 3],
        ],
      }).total,
    ).toBe(5);
  });

  it('reads like JSON.parse otherwise (last duplicate wins in the plain view)', () => {
    const text = '{"a":[1,2.5,-3e2,true,false,null,"x\\"y\\u00e9"],"b":{"c":{}},"a2":[],"k":1,"k":2}';
    expect(toPlain(parseJsonKeepingDuplicates(text))).toEqual(JSON.parse(text));
  });

  it.each(['{"a":1', '{"a" 1}', '[1,]', '{"a":1} x', 'tru', '"open'])('refuses malformed JSON: %s', (text) => {
    expect(() => parseJsonKeepingDuplicates(text)).toThrow();
  });
});

describe('campaign API statuses', () => {
  it.each([
    ['new', 'NEW'],
    ['in_progress', 'DIALING'],
    ['success', 'COMPLETED'],
    ['failed', 'FAILED'],
    ['no_answer', 'NO_ANSWER'],
    ['busy', 'BUSY'],
    ['voicemail', 'VOICEMAIL'],
    ['dnc', 'DO_NOT_CALL'],
    ['teleported', 'UNKNOWN'],
  ])('lead %s -> %s, and back', (raw, status) => {
    expect(campaignApiLeadStatus(raw)).toBe(status);
    if (status !== 'UNKNOWN') expect(campaignApiLeadStatusValue(status as never)).toBe(raw);
  });

  it('has no wire value for statuses the API lacks', () => {
    expect(campaignApiLeadStatusValue('SKIPPED')).toBeNull();
  });

  it.each([
    ['running', 'ACTIVE'],
    ['paused', 'PAUSED'],
    ['stopped', 'STOPPED'],
    ['finished', 'COMPLETED'],
    ['archived', 'UNKNOWN'],
  ])('campaign %s -> %s', (raw, status) => expect(campaignApiCampaignStatus(raw)).toBe(status));
});
