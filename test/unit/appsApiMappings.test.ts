/**
 * Apps API status mappings, table-driven from the vendor doc's own tables (apps-api.txt "The status field
 * can be in any of the following states" for calls, "Campaign Contact Status" for contacts).
 */
import { appsApiCallStatus, appsApiCallStatusValue, appsApiCallType, callDirection } from '../../src/vendors/apps-api/calls';
import { appsApiChatStatus, appsApiChatStatusValue } from '../../src/vendors/apps-api/chats';
import { appsApiCampaignStatus, appsApiLeadStatus, leadStatsOf } from '../../src/vendors/apps-api/campaigns';
import { pagesFor } from '../../src/vendors/apps-api/client';

describe('Apps API call statuses: all sixteen documented states', () => {
  // [the doc's name, the wire value, our status]
  const table: Array<[string, string, string]> = [
    ['Selecting', 'selecting', 'SELECTING'],
    ['Queued', 'queued', 'QUEUED'],
    ['Assigned', 'assigned', 'ASSIGNED'],
    ['Connecting', 'connecting', 'CONNECTING'],
    ['Connected', 'connected', 'CONNECTED'],
    ['Finished', 'finished', 'FINISHED'],
    ['Failed', 'failed', 'FAILED'],
    ['Switching', 'switching', 'SWITCHING'],
    ['Recovered', 'recovered', 'RECOVERED'],
    ['Scheduled', 'scheduled', 'SCHEDULED'],
    ['Action Only', 'action_only', 'ACTION_ONLY'],
    ['Action Only Finished', 'action_only_finished', 'ACTION_ONLY_FINISHED'],
    ['Deflected', 'deflected', 'DEFLECTED'],
    ['Voicemail', 'voicemail', 'VOICEMAIL'],
    ['Voicemail Received', 'voicemail_received', 'VOICEMAIL_RECEIVED'],
    ['Voicemail Read', 'voicemail_read', 'VOICEMAIL_READ'],
  ];

  it('covers sixteen distinct states', () => {
    expect(new Set(table.map((r) => r[2])).size).toBe(16);
  });

  it.each(table)('%s (%s) -> %s, and back to the wire value', (docName, wire, status) => {
    expect(appsApiCallStatus(wire)).toBe(status);
    expect(appsApiCallStatus(docName)).toBe(status);
    expect(appsApiCallStatusValue(status as never)).toBe(wire);
  });

  it.each([['ringing'], [''], [null], [undefined]])('%p -> UNKNOWN', (raw) => {
    expect(appsApiCallStatus(raw as string | null)).toBe('UNKNOWN');
  });
});

describe('Apps API chat statuses (issue 16, row 21)', () => {
  // [the wire value, our status]: "dismissed" and "va_dismissed" are the document's; the others our assumption.
  const table: Array<[string, string]> = [
    ['selecting', 'SELECTING'],
    ['va_assigned', 'VIRTUAL_AGENT'],
    ['queued', 'QUEUED'],
    ['assigned', 'ASSIGNED'],
    ['finished', 'FINISHED'],
    ['failed', 'FAILED'],
    ['dismissed', 'DISMISSED'],
    ['va_dismissed', 'VIRTUAL_AGENT_DISMISSED'],
    ['deflected', 'DEFLECTED'],
  ];

  it.each(table)('%s -> %s, and back to the wire value', (wire, status) => {
    expect(appsApiChatStatus(wire)).toBe(status);
    expect(appsApiChatStatus(` ${wire.toUpperCase()} `)).toBe(status);
    expect(appsApiChatStatusValue(status as never)).toBe(wire);
  });

  it.each([['timed_out'], [''], [null], [undefined]])('%p -> UNKNOWN, which filters as nothing', (raw) => {
    expect(appsApiChatStatus(raw as string | null)).toBe('UNKNOWN');
    expect(appsApiChatStatusValue('UNKNOWN')).toBeNull();
  });
});

describe('Apps API call types and directions', () => {
  it.each([
    ['Voice Outbound (API)', 'OUTBOUND', 'OUTBOUND'],
    ['OutboundCall', 'OUTBOUND', 'OUTBOUND'],
    ['Voice Inbound (API)', 'INBOUND', 'INBOUND'],
    ['IncomingCall', 'INBOUND', 'INBOUND'],
    ['Voice Scheduled (API)', 'SCHEDULED', 'OUTBOUND'],
    ['ScheduledCall', 'SCHEDULED', 'OUTBOUND'],
    ['Voice (IVR)', 'UNKNOWN', 'UNKNOWN'],
  ])('%s -> type %s, direction %s', (raw, type, direction) => {
    expect(appsApiCallType(raw)).toBe(type);
    expect(callDirection(appsApiCallType(raw))).toBe(direction);
  });
});

describe('Apps API contact statuses: all twenty-one documented states', () => {
  const table: Array<[string, string]> = [
    ['Upcoming', 'NEW'],
    ['Dialing', 'DIALING'],
    ['Queued', 'QUEUED'],
    ['Connected', 'CONNECTED'],
    ['Finished', 'COMPLETED'],
    ['Transferred', 'TRANSFERRED'],
    ['Transferred and Finished', 'COMPLETED'],
    ['Not Picked Up', 'NO_ANSWER'],
    ['Not Reached to Contact', 'NO_ANSWER'],
    ['Abandoned by Contact', 'ABANDONED'],
    ['Skipped', 'SKIPPED'],
    ['Skipped & Closed', 'CLOSED'],
    ['Invalid Number', 'INVALID_NUMBER'],
    ['Carrier Error', 'FAILED'],
    ['Abandoned by Dialer', 'ABANDONED'],
    ['Voicemail Hung Up', 'VOICEMAIL'],
    ['Dialer General Error', 'FAILED'],
    ['Redial Scheduled', 'RETRY_SCHEDULED'],
    ['Do Not Call', 'DO_NOT_CALL'],
    ['Invalid Outbound Number', 'INVALID_NUMBER'],
    ['Blocked Phone Number', 'INVALID_NUMBER'],
  ];

  it('has twenty-one rows', () => expect(table).toHaveLength(21));

  it.each(table)('%s -> %s (case-insensitive)', (raw, status) => {
    expect(appsApiLeadStatus(raw)).toBe(status);
    expect(appsApiLeadStatus(raw.toUpperCase())).toBe(status);
  });

  it('an unknown contact state is UNKNOWN', () => expect(appsApiLeadStatus('Teleported')).toBe('UNKNOWN'));
});

describe('campaign statuses and contact_stats', () => {
  it.each([
    ['dialing', 'ACTIVE'],
    ['started', 'ACTIVE'],
    ['paused', 'PAUSED'],
    ['stopped', 'STOPPED'],
    ['finished', 'COMPLETED'],
    ['created', 'DRAFT'],
    ['archived', 'UNKNOWN'],
  ])('%s -> %s', (raw, status) => expect(appsApiCampaignStatus(raw)).toBe(status));

  it('reads per-status counts, maps the two differently spelled keys, and skips aggregates', () => {
    expect(leadStatsOf({ Contacts: 9, Upcoming: 3, 'Invalid Number or Name': 2, 'Invalid outbound number': 1, Finished: 3, Remaining: 3, Reached: 3, Skipped: 0 })).toEqual({
      total: 9,
      byStatus: [
        { status: 'NEW', rawStatus: 'Upcoming', count: 3 },
        { status: 'INVALID_NUMBER', rawStatus: 'Invalid Number', count: 2 },
        { status: 'INVALID_NUMBER', rawStatus: 'Invalid Outbound Number', count: 1 },
        { status: 'COMPLETED', rawStatus: 'Finished', count: 3 },
      ],
    });
  });

  // Issue 16, item 4: one source shows the shape; every shape it suggests is read, and none is read as zeros.
  it.each([
    ['snake_case keys', { contacts: 24, not_picked_up: 4, invalid_number_or_name: 2, remaining: 18 }],
    ['lower-case display names', { contacts: 24, 'not picked up': 4, 'invalid number or name': 2 }],
    ['counts as digit strings', { Contacts: '24', 'Not Picked Up': '4', 'Invalid Number or Name': '2' }],
    ['counts as {count}', { total: { count: 24 }, 'Not Picked Up': { count: 4 }, 'Invalid Number or Name': { count: 2 } }],
    [
      'a list of {status, count}',
      [
        { status: 'Contacts', count: 24 },
        { status: 'Not Picked Up', count: 4 },
        { status: 'Invalid Number or Name', count: 2 },
      ],
    ],
  ])('reads %s', (_, stats) => {
    expect(leadStatsOf(stats)).toEqual({
      total: 24,
      byStatus: [
        { status: 'NO_ANSWER', rawStatus: 'Not Picked Up', count: 4 },
        { status: 'INVALID_NUMBER', rawStatus: 'Invalid Number', count: 2 },
      ],
    });
  });

  it('sums the statuses when no total is given, and reads no stats as null', () => {
    expect(leadStatsOf({ upcoming: 5, finished: 3 })).toEqual({
      total: 8,
      byStatus: [
        { status: 'NEW', rawStatus: 'Upcoming', count: 5 },
        { status: 'COMPLETED', rawStatus: 'Finished', count: 3 },
      ],
    });
    expect(leadStatsOf(null)).toBeNull();
    expect(leadStatsOf(undefined)).toBeNull();
  });

  it.each([
    ['unknown keys', { dialed: 24, answered: 3 }, 'contact_stats has no contact count or contact status the gateway knows (keys "dialed", "answered")'],
    ['an empty object', {}, 'contact_stats has no contact count or contact status the gateway knows (keys none)'],
    ['a number', 24, 'contact_stats has no contact count or contact status the gateway knows (number)'],
    ['a list of something else', [24, 3], 'contact_stats has no contact count or contact status the gateway knows (a list)'],
    ['counts that are not counts', { Contacts: 'many', Upcoming: -1 }, 'contact_stats has no contact count or contact status the gateway knows (keys "Contacts", "Upcoming")'],
  ])('answers %s as unreadable, not zeros', (_, stats, reason) => {
    expect(leadStatsOf(stats)).toEqual({ unreadable: reason });
  });
});

describe('offset/limit onto page/per', () => {
  it.each([
    [0, 50, { per: 50, pages: [1], skip: 0 }],
    [37, 37, { per: 37, pages: [2], skip: 0 }],
    [259, 37, { per: 37, pages: [8], skip: 0 }],
    [260, 37, { per: 100, pages: [3], skip: 60 }],
    [90, 20, { per: 100, pages: [1, 2], skip: 90 }],
    [10, 100, { per: 100, pages: [1, 2], skip: 10 }],
  ])('offset %i, limit %i -> %j', (offset, limit, plan) => expect(pagesFor(offset, limit)).toEqual(plan));
});
