/**
 * What some contracts cannot find out through the adapter itself: ids a vendor must already hold (a lead
 * list that takes uploads, a call with a recording, an agent in a session). Read from each simulator's
 * seeded state. A vendor that claims one of these capabilities adds its entry here.
 */
import type { Simulators } from '../../sim';
import type { ContractSubject } from './support';

export interface VendorFixtures {
  /** CONTACT_UPLOAD: a campaign and lead list that take uploads, the uploading user, and a CSV for `headerMapping`. */
  contactUpload?: { campaignNativeId: string; leadListNativeId: string; userId: string; headerMapping: Array<{ field: string; column: string }>; csv: string };
  /** RECORDINGS: a call with a recording, one without. */
  recordings?: { withRecording: string; withoutRecording: string };
  /** DIALER: an agent who can dial, in a campaign. */
  dialer?: { userId: string; campaignId: string; phone: string };
  /**
   * LEAD_IMPORT: a campaign that takes imports with the connection's configured defaults (options all null), and
   * every phone number the vendor has received in imported leads so far, in the order received (bad rows included).
   */
  leadImport?: { campaignNativeId: string; receivedPhones(): string[] };
}

const FIXTURES: Record<string, (sims: Simulators) => VendorFixtures> = {
  ameyo: (sims) => {
    const state = sims.ameyo.state;
    const list = state.leadLists[0]!;
    const ready = state.sessions.find((s) => s.userStatus === 'Ready')!;
    return {
      contactUpload: {
        campaignNativeId: String(list.campaignId),
        leadListNativeId: String(list.leadId),
        userId: 'supervisor1',
        headerMapping: [
          { field: 'name', column: 'customer_name' },
          { field: 'phone1', column: 'phone1' },
        ],
        csv: 'customer_name,phone1\r\nAda,+14155550101\r\nGrace,not-a-number\r\n',
      },
      recordings: {
        withRecording: state.calls.find((c) => c.hasRecording)!.crtObjectId,
        withoutRecording: state.calls.find((c) => !c.hasRecording)!.crtObjectId,
      },
      dialer: { userId: ready.userId, campaignId: String(ready.campaignId), phone: '+14155550111' },
      // The connection names this campaign's lead list and the uploading user in its config (src/vendors/ameyo/index.ts).
      leadImport: { campaignNativeId: String(state.campaigns[0]!.campaignId), receivedPhones: () => state.uploadTasks.flatMap((t) => t.phones) },
    };
  },
  'apps-api': (sims) => {
    const state = sims.appsApi.state;
    return {
      leadImport: {
        campaignNativeId: String(state.campaigns[3]!.id),
        receivedPhones: () => state.contactImportJobs.flatMap((j) => j.rows.map((r) => String((r as { phone_number?: unknown }).phone_number ?? ''))),
      },
    };
  },
  'campaign-api': (sims) => {
    const state = sims.campaignApi.state;
    // The simulator keeps every lead it was given, seeded ones first; no seeded number is one the contract sends.
    return { leadImport: { campaignNativeId: state.campaigns[0]!.id, receivedPhones: () => state.leads.map((l) => l.number) } };
  },
};

/** The subject's fixture `name`; fails the rule, naming the file to add it to, when its vendor has none. */
export function fixture<K extends keyof VendorFixtures>(subject: ContractSubject, name: K): NonNullable<VendorFixtures[K]> {
  const found = FIXTURES[subject.adapter.vendor]?.(subject.sims)[name];
  if (!found) throw new Error(`no contract fixture '${name}' for vendor '${subject.adapter.vendor}': add one in test/contract/fixtures.ts`);
  return found;
}
