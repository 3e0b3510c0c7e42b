/** The config of an Ameyo connection (`vendor: ameyo`), beside the fields every connection has. */
import { z } from 'zod';
import { secret, url, vendorConnection } from '../../config/connection';
import { routeOverrides } from '../routes';
import { ameyoRoutes } from './routes';

/** Default lifetime of a provisioned API user: 24 h. */
export const AMEYO_CREDENTIAL_TTL_SECONDS = 86_400;

/**
 * The two credential forms in one strict object, checked field by field: a zod union of two shapes could
 * only say "does not match any allowed shape", and the issue asks that a message name the bad field.
 * Output: exactly one of the two forms, defaults filled in.
 */
const ameyoCredentials = z
  .object({
    username: secret,
    /** Fixed form: the Basic password. */
    password: secret.optional(),
    /** Provisioning form: the CC admin's Bearer token for `POST /configuration/basicauth` (notes §3d). */
    adminToken: secret.optional(),
    /** The provisioned user's role (`userRole`). Default "Administrator", the doc's example. */
    userRole: z.string().min(1, 'must not be empty').optional(),
    /** The provisioned user's lifetime (`dateExpiry` = now + ttlSeconds). Default 86400 (24 h). */
    ttlSeconds: z.number().int().positive().optional(),
    /** Provision again this long before `dateExpiry`. Default a tenth of ttlSeconds. */
    renewBeforeSeconds: z.number().int().positive().optional(),
  })
  .strict()
  .superRefine((c, ctx) => {
    const issue = (path: string, message: string) => ctx.addIssue({ code: 'custom', path: [path], message });
    if (c.adminToken === undefined) {
      if (c.password === undefined) issue('password', 'is required (or give adminToken for the gateway to provision the credentials)');
      for (const f of ['userRole', 'ttlSeconds', 'renewBeforeSeconds'] as const) if (c[f] !== undefined) issue(f, 'only allowed with adminToken');
      return;
    }
    if (c.password !== undefined) issue('password', 'not allowed with adminToken (the gateway generates the password)');
    const ttl = c.ttlSeconds ?? AMEYO_CREDENTIAL_TTL_SECONDS;
    if (c.renewBeforeSeconds !== undefined && c.renewBeforeSeconds >= ttl) issue('renewBeforeSeconds', 'must be less than ttlSeconds');
  })
  .transform((c): AmeyoBasicCredentials | AmeyoProvisionedCredentials => {
    if (c.adminToken === undefined) return { username: c.username, password: c.password! };
    const ttlSeconds = c.ttlSeconds ?? AMEYO_CREDENTIAL_TTL_SECONDS;
    return {
      adminToken: c.adminToken,
      username: c.username,
      userRole: c.userRole ?? 'Administrator',
      ttlSeconds,
      renewBeforeSeconds: c.renewBeforeSeconds ?? Math.max(1, Math.floor(ttlSeconds / 10)),
    };
  });

/** Fixed HTTP Basic credentials, as an Ameyo admin created them. */
export interface AmeyoBasicCredentials {
  username: string;
  password: string;
}

/** An admin token the gateway provisions its own Basic credentials with (./credentials.ts). */
export interface AmeyoProvisionedCredentials {
  adminToken: string;
  /** The name the provisioned users are derived from (`<username>_<random>`, one per process). */
  username: string;
  userRole: string;
  ttlSeconds: number;
  renewBeforeSeconds: number;
}

/** Default lifetime of a CRM SSO session: 12 h (an agent's shift). */
export const AMEYO_CRM_SESSION_TTL_SECONDS = 43_200;
/** Default bound on live CRM SSO sessions per tenant. */
export const AMEYO_CRM_MAX_SESSIONS = 10_000;

/** `{name}` placeholders a CRM page template may use: the CRM URL parameters (./crm.ts). */
export const CRM_TEMPLATE_PLACEHOLDERS = [
  'page',
  'sessionId',
  'campaignId',
  'crtObjectId',
  'userCrtObjectId',
  'userId',
  'customerId',
  'phone',
  'queueId',
  'queueName',
  'disposition',
  'dispositionAttribute',
] as const;

const pageTemplate = z.string().superRefine((t, ctx) => {
  for (const m of t.matchAll(/\{([^{}]*)\}/g)) {
    if (!(CRM_TEMPLATE_PLACEHOLDERS as readonly string[]).includes(m[1]!)) {
      ctx.addIssue({ code: 'custom', message: `unknown placeholder {${m[1]}} (expected one of ${CRM_TEMPLATE_PLACEHOLDERS.map((p) => `{${p}}`).join(' ')})` });
      return;
    }
  }
  try {
    const u = new URL(t.replace(/\{[^{}]*\}/g, 'x'));
    if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new Error();
  } catch {
    ctx.addIssue({ code: 'custom', message: 'expected an http(s) URL with {placeholders}' });
  }
});

/** Who checks an SSO login: the tenant CRM's SSO API (proxied, in the document's JSON or form body), or per-agent secrets. */
export type AmeyoSsoVerifier = { url: string; encoding: 'json' | 'form'; agents?: undefined } | { agents: Record<string, string>; url?: undefined };

/**
 * Ameyo's URL-based CRM integration with the gateway as the CRM (issue 17, items 3-4; README "Ameyo CRM
 * integration"). Checked field by field, so a message names the field and never prints a secret.
 */
const ameyoCrm = z
  .object({
    /** The per-connection secret Ameyo's configured URLs carry as `key` (Ameyo cannot send our API key). */
    urlSecret: secret.refine((s) => s.length >= 16, 'must be at least 16 characters'),
    /** Where the CRM URLs redirect (302), `{placeholders}` filled in and escaped. Default: a minimal page. */
    pageTemplate: pageTemplate.optional(),
    /**
     * Which disposition pattern the gateway takes part in (ameyo-crm-url-integration.txt): `ameyo` (default):
     * Ameyo disposes (forced dispose, Ameyo-only) and the dispose URL notifies us; `crmFirst`: "dispose in CRM
     * before Ameyo", the dispose URL carries the CRM-side disposition and the gateway disposes the call in Ameyo
     * (`disposeCallForUser`, needs `appServerToken`).
     */
    dispositionMode: z.enum(['ameyo', 'crmFirst']).default('ameyo'),
    /** Single sign-on (row 10): Ameyo logs the agent in to the CRM and appends `crmSessionId` to the CRM URLs. */
    sso: z
      .object({
        /** Checks an agent's `userId` and `password`: the tenant's own CRM SSO endpoint (proxied), or per-agent secrets. */
        verifier: z
          .object({
            /** The tenant CRM's SSO API: logins are proxied to it, and logouts of the sessions it issued forwarded. */
            url: url.optional(),
            /**
             * How the gateway sends `url` the document's request (ameyo-crm-url-integration.txt, "sample json for sso"):
             * `json` (default), `application/json` `{"password","userId","command"}`; `form`,
             * `application/x-www-form-urlencoded` `request=<that JSON>`. Only with `url`.
             */
            encoding: z.enum(['json', 'form']).optional(),
            agents: z.record(z.string().min(1), secret).optional(),
          })
          .strict()
          .superRefine((v, ctx) => {
            if ((v.url === undefined) === (v.agents === undefined)) ctx.addIssue({ code: 'custom', message: 'expected exactly one of url or agents' });
            else if (v.encoding !== undefined && v.url === undefined) ctx.addIssue({ code: 'custom', path: ['encoding'], message: 'only allowed with url (how the login is sent to it)' });
          })
          .transform((v): AmeyoSsoVerifier => (v.url !== undefined ? { url: v.url, encoding: v.encoding ?? 'json' } : { agents: v.agents! })),
        /** How long a session lives. Default 43200 (12 h). */
        sessionTtlSeconds: z.number().int().positive().max(604_800).default(AMEYO_CRM_SESSION_TTL_SECONDS),
        /** Most live sessions per tenant. Default 10000. */
        maxSessions: z.number().int().positive().default(AMEYO_CRM_MAX_SESSIONS),
        /** Refuse CRM URLs that carry only the URL secret: every page needs a live session. Default false. */
        requireSession: z.boolean().default(false),
      })
      .strict()
      .optional(),
  })
  .strict();

export type AmeyoCrmConfig = z.output<typeof ameyoCrm>;

export const ameyoConnection = vendorConnection('ameyo', {
  /** Contact-center id (`ccId` in every CMS and data-engine path). */
  ccId: z.number().int().nonnegative(),
  /** One base URL per API family (notes/vendors-real-world.md §3). `dataEngine` serves /v4 monitoring. */
  baseUrls: z.object({ cms: url, dataEngine: url, appServer: url }).strict(),
  /**
   * HTTP Basic credentials for the CMS and data-engine APIs: a fixed `{username, password}`, or
   * `{adminToken, username, ...}` for the gateway to provision them itself (./credentials.ts).
   */
  credentials: ameyoCredentials,
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
          /**
           * The lead list (`leadId` of the contact-upload path) CSV lead imports into this campaign go to, when the
           * import names none (`options.leadListNativeId`). Default none: each import must name one.
           */
          leadListId: z.union([z.string().regex(/^\S+$/, 'expected an Ameyo lead list id without spaces'), z.number().int().nonnegative().transform(String)]).optional(),
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
  /**
   * The Ameyo user CSV lead imports upload as (the upload's `user_id`: "the supervisor or user who is initiating the
   * upload task", ameyo-contact-upload.txt), when the import names none (`options.vendorUserId`). Default none.
   */
  contactUploadUserId: z.string().trim().min(1, 'must not be empty').optional(),
  /** Ameyo customer fields a contact upload may map CSV columns to. Default: the contact-upload doc's list. */
  contactFields: z.array(z.string().min(1)).min(1).default(['name', 'phone1', 'phone2', 'phone3', 'phone4', 'phone5', 'email', 'twitter', 'facebook', 'timezone']),
  /** This connection's own method or path for some of the vendor's routes (README "Vendor routes"). Default none. */
  routes: routeOverrides(ameyoRoutes),
  /** Ameyo's CRM URLs and SSO API served by the gateway (README "Ameyo CRM integration"). Default none: not served. */
  crm: ameyoCrm.optional(),
}).superRefine((c, ctx) => {
  if (c.crm?.dispositionMode === 'crmFirst' && c.appServerToken === undefined) {
    ctx.addIssue({ code: 'custom', path: ['crm', 'dispositionMode'], message: 'crmFirst needs appServerToken (the gateway disposes the call in Ameyo)' });
  }
});

export type AmeyoConnectionConfig = z.output<typeof ameyoConnection>;
