/** Live-call changes shared by the dispose and dial commands: finishing a call, starting one, minting crt ids. */
import type { AmeyoRuntime } from './runtime';
import type { AmeyoCallRecord, AmeyoInteraction, AmeyoSession } from './seed';

/** The session of a logged-in user, if any. */
export const sessionOf = (rt: AmeyoRuntime, userId: string): AmeyoSession | undefined => rt.state.sessions.find((s) => s.userId === userId);

/**
 * The session's current call: its VOICE interaction (ringing, connected, or hung up while the agent is in wrap-up).
 * Chats are not calls, so a chat agent has none (our assumption: these are the `voice/` commands).
 */
export const currentCall = (rt: AmeyoRuntime, session: AmeyoSession): AmeyoInteraction | undefined => rt.state.interactions.find((i) => i.sessionId === session.sessionId && i.channelType === 'VOICE');

/**
 * A new crt id in the seed's format `<node>-<8 hex>-vce-<counter>` (notes §3c): the node prefix of the seeded
 * ids, the next counter after every id in the state, 8 hex digits from the run-time stream.
 */
export function newCrtId(rt: AmeyoRuntime): string {
  const all = [...rt.state.calls.map((c) => c.crtObjectId), ...rt.state.interactions.map((i) => i.crtObjectId)];
  const node = all[0]?.split('-')[0] ?? '0000';
  const counter = all.reduce((max, id) => Math.max(max, Number(id.split('-').pop()) || 0), 0) + 1;
  const stamp = Array.from({ length: 8 }, () => rt.random.int(0, 15).toString(16)).join('');
  return `${node}-${stamp}-vce-${counter}`;
}

/**
 * Disposes the session's call: the interaction ends, becomes a finished call record (with this disposition and a
 * recording), and the agent is "Ready" with no customer (our model of "return the agent to wait", CRM doc).
 */
export function finishCall(rt: AmeyoRuntime, session: AmeyoSession, call: AmeyoInteraction, dispositionCode: string): AmeyoCallRecord {
  const now = rt.simNow();
  const state = rt.state;
  state.interactions = state.interactions.filter((i) => i !== call);
  const contact = state.contacts.find((c) => c.customerId === call.customerId);
  const campaign = state.campaigns.find((c) => c.campaignId === call.campaignId);
  const manual = call.phone !== undefined || state.dials.some((d) => d.crtObjectId === call.crtObjectId);
  const endedAtMs = call.customerStatus === 'hungup' ? call.customerStatusSinceMs : Math.max(now, call.startedAtMs + 1000);
  const record: AmeyoCallRecord = {
    crtObjectId: call.crtObjectId,
    callId: call.callId ?? rt.random.uuid(),
    phone: contact?.phone1 ?? call.phone ?? '',
    customerId: call.customerId,
    userId: session.userId,
    campaignId: call.campaignId,
    leadId: contact?.leadId ?? campaign?.leadListIds[0] ?? 0,
    queueId: call.queueId,
    callType: campaign?.campaignType === 'Inbound Voice' ? 'inbound.call.dial' : manual ? 'outbound.manual.dial' : 'outbound.auto.dial',
    dispositionCode,
    startedAtMs: call.startedAtMs,
    endedAtMs,
    durationSeconds: Math.round((endedAtMs - call.startedAtMs) / 1000),
    hasRecording: true,
  };
  state.calls.push(record);
  session.userStatus = 'Ready';
  session.userStatusSinceMs = now;
  return record;
}

/**
 * Starts a manual call from the session to `phone`: a new ringing VOICE interaction with a new crt id, the agent
 * "On Call". The customer is `customerId` when it names a contact of the campaign, else the campaign's contact
 * with that number, else -1 (the CRM doc sample's "-1") with the number kept on the interaction.
 */
export function startCall(rt: AmeyoRuntime, session: AmeyoSession, phone: string, customerId: unknown): AmeyoInteraction {
  const now = rt.simNow();
  const digits = (p: string) => p.replace(/[\s-]/g, '');
  const mine = rt.state.contacts.filter((c) => c.campaignId === session.campaignId);
  const contact = mine.find((c) => String(c.customerId) === String(customerId ?? '').trim()) ?? mine.find((c) => digits(c.phone1) === digits(phone));
  const interaction: AmeyoInteraction = {
    channelType: 'VOICE',
    callId: rt.random.uuid(),
    chatId: null,
    crtObjectId: newCrtId(rt),
    customerId: contact?.customerId ?? -1,
    campaignId: session.campaignId,
    queueId: session.queueId,
    sessionId: session.sessionId,
    customerStatus: 'ringing',
    customerStatusSinceMs: now,
    startedAtMs: now,
    sipTrunkId: `trunk-${rt.random.int(1, 4)}`,
    waiting: false,
    ...(contact ? {} : { phone }),
  };
  rt.state.interactions.push(interaction);
  session.userStatus = 'On Call';
  session.userStatusSinceMs = now;
  return interaction;
}
