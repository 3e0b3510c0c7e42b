/** The config of an Ameyo connection (`vendor: ameyo`), beside the fields every connection has. */
import { z } from 'zod';
import { secret, url, vendorConnection } from '../../config/connection';

export const ameyoConnection = vendorConnection('ameyo', {
  /** Contact-center id (`ccId` in every CMS and data-engine path). */
  ccId: z.number().int().nonnegative(),
  /** One base URL per API family (notes/vendors-real-world.md §3). `dataEngine` serves /v4 monitoring. */
  baseUrls: z.object({ cms: url, dataEngine: url, appServer: url }).strict(),
  /** HTTP Basic credentials for the CMS and data-engine APIs. */
  credentials: z.object({ username: secret, password: secret }).strict(),
  /** Web-access commands (manual dial, voice logs): the token Ameyo support issues (notes §3c). */
  webAccess: z
    .object({
      hashKey: secret,
      /** Default `token-based-authorization-policy`. */
      policyName: z.string().min(1).default('token-based-authorization-policy'),
      requestingHost: z.string().min(1),
    })
    .strict()
    .optional(),
  /** The `authorization` token of the app server's disposeCallForUser (ameyo-crm-url-integration.txt). */
  appServerToken: secret.optional(),
  /**
   * The campaigns `Query.campaigns` lists for this connection: Ameyo's APIs list none (notes §3), so they are
   * named here. `id` is the Ameyo campaign id, which its contact uploads take as the process id
   * (ameyo-contact-upload.txt: "the specific campaign or process") and its manual dials as `campaignId`.
   * Default none: the connection then has no campaign catalog (no CAMPAIGN_CATALOG).
   */
  campaigns: z
    .array(
      z
        .object({
          id: z.union([z.string().regex(/^\S+$/, 'expected an Ameyo campaign id without spaces'), z.number().int().nonnegative().transform(String)]),
          name: z.string().min(1),
        })
        .strict(),
    )
    .refine((list) => new Set(list.map((c) => c.id)).size === list.length, 'expected each campaign id once')
    .default([]),
  /**
   * The `origin` header of contact uploads: ameyo-contact-upload.txt lists it (`https://<IP_Domain_Name>`, "typically
   * used for CORS validation"). Default: the origin of `baseUrls.cms`, the host the document's example names.
   */
  uploadOrigin: url.optional(),
  /** Ameyo customer fields a contact upload may map CSV columns to. Default: the contact-upload doc's list. */
  contactFields: z.array(z.string().min(1)).min(1).default(['name', 'phone1', 'phone2', 'phone3', 'phone4', 'phone5', 'email', 'twitter', 'facebook', 'timezone']),
});

export type AmeyoConnectionConfig = z.output<typeof ameyoConnection>;
