/** Ameyo wire types: the fields the adapter relies on, checked at the edge; unknown keys pass. */
import { z } from 'zod';

/** The data-engine envelope: `{http_code, method, request_id, response: [{data}], metadata}`. */
export const wireMonitoringEnvelope = z.looseObject({
  response: z.array(z.looseObject({ data: z.unknown() })),
  metadata: z
    .looseObject({
      total: z.union([z.number(), z.string()]).nullish(),
      count: z.number().nullish(),
      offset: z.number().nullish(),
      limit: z.number().nullish(),
    })
    .nullish(),
});

/** A user-session-information row (the doc's example). */
export const wireUserSession = z.looseObject({
  user_id: z.string(),
  user_name: z.string().nullish(),
  user_status: z.string().nullish(),
  user_status_duration: z.number().nullish(),
  campaign_id: z.number().nullish(),
  campaign_name: z.string().nullish(),
});
export type WireUserSession = z.infer<typeof wireUserSession>;

/** Web-access and app-server commands answer `{"result": "success"|"failed", "reason": ...}` (ameyo-crm-url-integration.txt). */
export const wireCommandResult = z.looseObject({ result: z.string(), reason: z.string().nullish() });
