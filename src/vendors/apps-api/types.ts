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

const id = z.union([z.number(), z.string()]);
const maybeString = z.string().nullish();
const maybeNumber = z.number().nullish();

/** apps-api.txt call object: `agent_info {id, name, last_name, first_name, agent_number, avatar_url}`. */
const wireAgentInfo = z.looseObject({ id: id.nullish(), name: maybeString, first_name: maybeString, last_name: maybeString, agent_number: maybeString }).nullish();
const wireMenuPath = z.looseObject({ name: maybeString, materialized_path: maybeString }).nullish();

/** apps-api.txt "Calls Endpoints": the call object. */
export const wireCall = z.looseObject({
  id,
  parent_id: id.nullish(),
  lang: maybeString,
  call_type: maybeString,
  status: z.string(),
  created_at: maybeString,
  queued_at: maybeString,
  assigned_at: maybeString,
  connected_at: maybeString,
  ends_at: maybeString,
  scheduled_at: maybeString,
  /** Not in the document's call object; the Manager API's tailing filter and sort key (notes §1 "Pagination" [C]). */
  updated_at: maybeString,
  wait_duration: maybeNumber,
  call_duration: maybeNumber,
  hold_duration: maybeNumber,
  recording_url: maybeString,
  recording_permission: maybeString,
  fail_reason: maybeString,
  fail_details: maybeString,
  selected_menu: z.looseObject({ id: id.nullish(), name: maybeString, menu_type: maybeString }).nullish(),
  menu_path: wireMenuPath,
  agent_info: wireAgentInfo,
  end_user: z.looseObject({ id: id.nullish(), identifier: maybeString }).nullish(),
  transfers: z
    .array(
      z.looseObject({
        status: maybeString,
        fail_reason: maybeString,
        created_at: maybeString,
        from_menu: wireMenuPath,
        to_menu: wireMenuPath,
        from_agent: wireAgentInfo,
        to_agent: wireAgentInfo,
      }),
    )
    .nullish(),
  participants: z
    .array(
      z.looseObject({
        type: maybeString,
        status: maybeString,
        user_id: id.nullish(),
        end_user_id: id.nullish(),
        call_duration: maybeNumber,
        hold_duration: maybeNumber,
        connected_at: maybeString,
        ended_at: maybeString,
        fail_reason: maybeString,
      }),
    )
    .nullish(),
});
export type WireCall = z.infer<typeof wireCall>;
export const wireCallList = z.array(wireCall);

export const wireCustomerFlags = z.looseObject({
  verified_customer: z.boolean(),
  bad_actor: z.boolean(),
  repeat_customer: z.boolean(),
});

export const wireMessage = z.looseObject({ message: z.string().nullish() });

/** Manager API campaign (notes §1: `campaign_type, id, external_campaign_id, mode, status, queue, contact_stats`). */
export const wireCampaign = z.looseObject({
  id,
  name: maybeString,
  status: maybeString,
  mode: maybeString,
  /** Undocumented beyond its name: read defensively (`leadStatsOf`), so an odd shape costs the stats, not the campaign. */
  contact_stats: z.unknown(),
});
export type WireCampaign = z.infer<typeof wireCampaign>;
export const wireCampaignList = z.array(wireCampaign);

/** apps-api.txt "Campaign Endpoints": the contact object (plus `email`, `phone_number`). */
export const wireContact = z.looseObject({
  id,
  campaign_id: id.nullish(),
  name: maybeString,
  email: maybeString,
  phone_number: maybeString,
  status: z.string(),
  priority: maybeNumber,
  unique_id: maybeString,
  created_at: maybeString,
  updated_at: maybeString,
});
export type WireContact = z.infer<typeof wireContact>;
export const wireContactList = z.array(wireContact);

export const wireAgentStatusChanges = z.array(
  z.looseObject({
    agent_id: id,
    previous_status: maybeString,
    current_status: maybeString,
    message: maybeString,
  }),
);

export const wireForceLogout = z.looseObject({ agent_ids: z.array(id).nullish(), job_id: id.nullish() });

export const wireSms = z.looseObject({ id, status: maybeString, created_at: maybeString });

export const wireEndUser = z.looseObject({ id, identifier: maybeString });

export const wireDncContacts = z.looseObject({
  contacts: z.array(z.looseObject({ phone_number: z.string(), expires_at: maybeString })),
});
export const wireDncCheck = z.looseObject({ phone_number: z.string(), dnc: z.boolean(), expires_at: maybeString });

export const wireQueueStatus = z.looseObject({
  queues: z.array(
    z.looseObject({
      menu_id: id,
      menu_type: maybeString,
      lang: maybeString,
      materialized_path: maybeString,
      current_queue_ewt: maybeNumber,
      scheduled_callback_ewt: maybeNumber,
      logged_in_agents: maybeNumber,
      available_agents: maybeNumber,
    }),
  ),
});

export const wireWaitTimes = z.array(z.looseObject({ menu_id: id, chat: maybeNumber, voice_call: maybeNumber }));

export const wireQueueOperationStatus = z.looseObject({
  // apps-api-queue-operation-statuses: the text says `after_hours`, the example `after_hour` (notes §1).
  after_hour: z.boolean().nullish(),
  after_hours: z.boolean().nullish(),
  overcapacity: z.boolean().nullish(),
});

const wireBulkError = z.looseObject({ row: maybeNumber, column: maybeString, message: z.string(), error_type: maybeString });
/** notes §1 "Bulk users: job status". */
export const wireBulkUserJob = z.looseObject({
  id,
  status: z.string(),
  filename: maybeString,
  total_rows: maybeNumber,
  affected_rows: maybeNumber,
  failed_rows: maybeNumber,
  created_at: maybeString,
  process_requested_at: maybeString,
  scheme_errors: z.array(wireBulkError).nullish(),
  update_errors: z.array(wireBulkError).nullish(),
});
export type WireBulkUserJob = z.infer<typeof wireBulkUserJob>;
export const wireBulkUploaded = z.looseObject({ id, status: maybeString });

/** A chat message: the doc's message body `{from_user_id, message: {type, content, media_id}}` as a record (ours). */
const wireChatEntry = z.looseObject({
  id: id.nullish(),
  from: maybeString,
  from_user_id: id.nullish(),
  type: maybeString,
  content: maybeString,
  media_id: maybeString,
  sent_at: maybeString,
});
export const wireChatMessage = wireChatEntry;

/**
 * apps-api-chat "Chat object" (`id, status, status_text, created_at, ends_at, timeout_at, agent, lang, menus`) plus
 * `updated_at`, `end_user`, `chat_type`, `transcript`, `messages` and `deflection_channel` where the vendor gives them.
 */
export const wireChat = z.looseObject({
  id,
  status: z.string(),
  status_text: maybeString,
  chat_type: maybeString,
  lang: maybeString,
  created_at: maybeString,
  updated_at: maybeString,
  ends_at: maybeString,
  agent: wireAgentInfo,
  menus: z.array(z.looseObject({ id, name: maybeString })).nullish(),
  end_user: z.looseObject({ id: id.nullish(), identifier: maybeString }).nullish(),
  transcript: z.looseObject({ messages: z.array(wireChatEntry).nullish() }).nullish(),
  messages: z.array(wireChatEntry).nullish(),
  deflection_channel: maybeString,
});
export type WireChat = z.infer<typeof wireChat>;
export const wireChatList = z.array(wireChat);

export const wireChatEscalation = z.looseObject({ id, reason: maybeString, force_escalate: z.boolean().nullish(), deflection_channel: maybeString, created_at: maybeString });
export const wireChatMedia = z.looseObject({ media_id: z.union([z.string(), z.number()]), url: maybeString, type: maybeString, s3_path: maybeString, photo_type: maybeString });
export const wireChatMediaList = z.array(wireChatMedia);
export const wireChatUploadUrl = z.looseObject({ url: z.string(), s3_path: maybeString, expires_at: maybeString });
/** A queue settings version history item (apps-api.txt "Export - Import Queues Settings"; fields our simulator's [U]). */
export const wireQueueSettingsVersion = z.looseObject({
  id,
  revision: maybeString,
  created_at: maybeString,
  auto_saved: z.boolean().nullish(),
  email: maybeString,
  export_audio_files: z.boolean().nullish(),
  export_attached_files: z.boolean().nullish(),
  file_name: maybeString,
});
export type WireQueueSettingsVersion = z.infer<typeof wireQueueSettingsVersion>;
export const wireQueueSettingsVersionList = z.array(wireQueueSettingsVersion);

/** A contact list entry and a contact list (apps-api.txt "Contact Lists" gives no bodies: our simulator's [U]). */
export const wireContactListEntry = z.looseObject({ id, name: maybeString, phone_number: maybeString });
export type WireContactListEntry = z.infer<typeof wireContactListEntry>;
export const wireContactListEntries = z.array(wireContactListEntry);
export const wireListOfContacts = z.looseObject({ id, name: maybeString, list_type: maybeString, entries: z.array(wireContactListEntry).nullish() });
export type WireListOfContacts = z.infer<typeof wireListOfContacts>;
