/** The embedded live bus (src/live/bus.ts): per-tenant, per-topic delivery, and Dates kept through the wire codec. */
import { decodeLive, encodeLive, LocalBus } from '../../src/live/bus';
import type { LiveEvent } from '../../src/live/events';

const presence = (connectionId: string, nativeId: string): LiveEvent => ({
  topic: 'agentPresence',
  connectionId,
  previousStatus: 'AVAILABLE',
  at: new Date('2026-12-06T05:00:00.000Z'),
  agent: {
    connectionId,
    vendor: 'apps-api',
    nativeId,
    name: 'Ada Lovelace',
    email: null,
    extension: '101',
    status: 'ON_CALL',
    rawStatus: 'In Call',
    statusChangedAt: new Date('2026-12-06T04:59:58.000Z'),
    raw: { id: Number(nativeId) },
  },
});

describe('LocalBus', () => {
  it("delivers an event to its tenant's subscribers of its topic only, until they unsubscribe", () => {
    const bus = new LocalBus();
    const a: LiveEvent[] = [];
    const b: LiveEvent[] = [];
    const queues: LiveEvent[] = [];
    const offA = bus.subscribe('tenant-a', 'agentPresence', (e) => a.push(e));
    bus.subscribe('tenant-b', 'agentPresence', (e) => b.push(e));
    bus.subscribe('tenant-a', 'queueStatus', (e) => queues.push(e));
    const event = presence('apps-a', '7');
    bus.publish('tenant-a', event);
    expect(a).toEqual([event]);
    expect(b).toEqual([]);
    expect(queues).toEqual([]);
    offA();
    bus.publish('tenant-a', presence('apps-a', '8'));
    expect(a).toHaveLength(1);
    expect(bus.listenerCount('tenant-a', 'agentPresence')).toBe(0);
  });

  it('keeps delivering to the others when one listener throws', () => {
    const bus = new LocalBus();
    const got: LiveEvent[] = [];
    bus.subscribe('tenant-a', 'agentPresence', () => {
      throw new Error('a broken subscriber');
    });
    bus.subscribe('tenant-a', 'agentPresence', (e) => got.push(e));
    bus.publish('tenant-a', presence('apps-a', '7'));
    expect(got).toHaveLength(1);
  });
});

describe('the wire codec', () => {
  it('round-trips an event with its Dates as Dates', () => {
    const event = presence('apps-a', '7');
    const back = decodeLive(encodeLive(event)) as LiveEvent;
    expect(back).toEqual(event);
    expect(back.at).toBeInstanceOf(Date);
    expect(back.topic === 'agentPresence' && back.agent.statusChangedAt).toBeInstanceOf(Date);
  });

  it('leaves an object that merely has a $date key among others alone', () => {
    expect(decodeLive(encodeLive({ $date: 'x', other: 1 }))).toEqual({ $date: 'x', other: 1 });
  });
});
