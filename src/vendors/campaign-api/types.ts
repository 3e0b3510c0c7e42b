/** Campaign-API wire types: the fields the adapter relies on, checked at the edge; unknown keys pass. */
import { z } from 'zod';

export const wireLogin = z.looseObject({
  access_token: z.string().min(1),
  refresh_token: z.string().nullish(),
});

export const wireQueueAgent = z.looseObject({
  id: z.string(),
  name: z.string().nullish(),
  extension: z.string().nullish(),
  logged_in: z.boolean().nullish(),
  status: z.string().nullish(),
});
export type WireQueueAgent = z.infer<typeof wireQueueAgent>;

export const wireQueue = z.looseObject({
  id: z.string(),
  name: z.string().nullish(),
  agents: z.array(wireQueueAgent).nullish(),
});
export type WireQueue = z.infer<typeof wireQueue>;

export const wireQueueList = z.array(wireQueue);

/** "Get Leads status by Campaign": a lead. */
export const wireLead = z.looseObject({
  id: z.string(),
  campaign_id: z.string().nullish(),
  created: z.number().nullish(),
  number: z.string().nullish(),
  status: z.string(),
  retries: z.number().nullish(),
  first_name: z.string().nullish(),
  last_name: z.string().nullish(),
  priority: z.number().nullish(),
});
export type WireLead = z.infer<typeof wireLead>;

export const wireLeadPage = z.looseObject({ data: z.array(wireLead), next_start_key: z.string().nullish() });

/** "Get Campaigns activity": one record (notes §2: reports carry records under `data`, paged by `next_start_key`). */
export const wireActivityRecord = z.looseObject({
  datetime: z.string().nullish(),
  timestamp: z.number(),
  campaign_name: z.string().nullish(),
  lead_name: z.string().nullish(),
  lead_number: z.string().nullish(),
  agent_name: z.string().nullish(),
  agent_extension: z.string().nullish(),
  lead_history: z.array(z.looseObject({ event: z.string().nullish(), type: z.string().nullish(), uuid: z.string().nullish(), ext: z.string().nullish() })).nullish(),
});
export type WireActivityRecord = z.infer<typeof wireActivityRecord>;
export const wireActivityPage = z.union([
  z.looseObject({ data: z.array(wireActivityRecord), next_start_key: z.string().nullish() }),
  // The doc prints a bare array: one page, nothing after it.
  z.array(wireActivityRecord),
]);

export const wireQueueFull = z.looseObject({
  id: z.string(),
  name: z.string().nullish(),
  extension: z.string().nullish(),
  max_time_caller_in_queue: z.number().nullish(),
  strategy: z.string().nullish(),
  total_agents: z.number().nullish(),
  logged_in_agents: z.number().nullish(),
  logged_out_agents: z.number().nullish(),
  idle_agents: z.number().nullish(),
  agents_on_call: z.number().nullish(),
});
