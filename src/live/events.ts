/**
 * What the live bus carries (src/live/bus.ts): domain objects, the same the queries answer, so a subscription's
 * `Agent`, `Queue` and `Call` have the ids and fields a client cache already holds (issue 17).
 */
import type { Agent, Call, Queue } from '../domain/types';
import type { LeadImportRecord } from '../imports/store';

export type LiveTopic = 'agentPresence' | 'queueStatus' | 'callEvents' | 'leadImport';

/** An agent whose presence (status, or what its session says it is doing) changed. */
export interface AgentPresenceEvent {
  topic: 'agentPresence';
  connectionId: string;
  agent: Agent;
  /** The status before, when the publisher knew it. */
  previousStatus: Agent['status'] | null;
  at: Date;
}

/** A queue whose status (waiting, agents, wait times) changed. */
export interface QueueStatusEvent {
  topic: 'queueStatus';
  connectionId: string;
  queue: Queue;
  at: Date;
}

export type CallEventType = 'RINGING' | 'CONNECTED' | 'ENDED' | 'DISPOSED' | 'SCREEN_POP';

/**
 * What the vendor told us about a call at a point in its life: from the pollers (a call seen ringing, connected,
 * ended) or from Ameyo calling the tenant's CRM URLs (a screen-pop on connect or preview, a disposition).
 */
export interface ScreenPopContext {
  /** Which of Ameyo's CRM URLs was called. */
  page: 'CUSTOMER' | 'PREVIEW' | 'DISPOSE' | 'KNOWLEDGE_BASE';
  sessionNativeId: string | null;
  campaignNativeId: string | null;
  crtObjectId: string | null;
  userCrtObjectId: string | null;
  userNativeId: string | null;
  customerNativeId: string | null;
  phone: string | null;
  queueNativeId: string | null;
  queueName: string | null;
  disposition: string | null;
  dispositionAttribute: string | null;
}

export interface CallLiveEvent {
  topic: 'callEvents';
  connectionId: string;
  type: CallEventType;
  at: Date;
  /** The call's vendor id, when the event names one. */
  callNativeId: string | null;
  /** The agent's vendor id, when the event names one. */
  agentNativeId: string | null;
  /** The call as the vendor lists it, when the publisher read it. */
  call: Call | null;
  /** Ameyo's parameters, for screen-pops and dispositions from its CRM URLs. */
  screenPop: ScreenPopContext | null;
}

/** A lead import job after a step (issue 18): its counters and status as saved. */
export interface LeadImportEvent {
  topic: 'leadImport';
  connectionId: string;
  job: LeadImportRecord;
  at: Date;
}

export type LiveEvent = AgentPresenceEvent | QueueStatusEvent | CallLiveEvent | LeadImportEvent;
