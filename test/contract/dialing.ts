/** Contract of DIALER. */
import { fixture } from './fixtures';
import { defineContract } from './support';

export const defineDialerContract = defineContract('DIALER', [
  {
    id: 'DI-1',
    name: "MUST answer a dial with the vendor's verdict: success, and the vendor's reason",
    async fn(s) {
      const f = fixture(s, 'dialer');
      const res = await s.adapter.dialer!.dial({ userId: f.userId, campaignId: f.campaignId, phone: f.phone }, s.scope());
      expect(res.success).toBe(true);
      expect(res.reason === null || typeof res.reason === 'string').toBe(true);
    },
  },
  {
    id: 'DI-2',
    name: 'MUST answer a dial the vendor refuses as a verdict, not an error',
    async fn(s) {
      const f = fixture(s, 'dialer');
      const res = await s.adapter.dialer!.dial({ userId: 'no-such-agent', campaignId: f.campaignId, phone: f.phone }, s.scope());
      expect(res.success).toBe(false);
    },
  },
]);
