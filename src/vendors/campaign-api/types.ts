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
