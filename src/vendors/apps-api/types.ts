/** Apps API wire types: the fields the adapter relies on, checked at the edge; unknown keys pass. */
import { z } from 'zod';

/**
 * A Manager API agent: apps-api.txt "Users" object, plus `status`, `status_id`, `online`, `wrap_up`,
 * `last_login_time` and `status_updated_at`, which that endpoint's filters imply.
 */
export const wireAgent = z.looseObject({
  id: z.union([z.number(), z.string()]),
  email: z.string().nullish(),
  first_name: z.string().nullish(),
  last_name: z.string().nullish(),
  agent_number: z.string().nullish(),
  status: z.string().nullish(),
  status_id: z.union([z.number(), z.string()]).nullish(),
  online: z.boolean().nullish(),
  wrap_up: z.boolean().nullish(),
  status_updated_at: z.string().nullish(),
});
export type WireAgent = z.infer<typeof wireAgent>;

export const wireAgentList = z.array(wireAgent);
