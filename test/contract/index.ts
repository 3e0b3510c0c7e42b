/** Every capability's contract. A capability without one does not compile (the record is total). */
import type { Capability } from '../../src/domain/types';
import { defineCallDispositionContract, defineCampaignActivityContract } from './activity';
import { defineAgentControlContract, defineAgentDirectoryContract, defineAgentPresenceContract } from './agents';
import { defineCallCreateContract, defineCallDataContract, defineCallLogContract } from './calls';
import { defineChatControlContract, defineChatLogContract } from './chats';
import { defineCampaignCatalogContract, defineLeadStatusContract, defineLeadStoreContract } from './campaigns';
import { defineContactListsContract } from './contactLists';
import { defineCrmDataContract, defineDncContract, defineEndUsersContract, defineSmsContract } from './contacts';
import { defineDialerContract } from './dialing';
import { defineLeadImportContract } from './leadImports';
import { definePresenceTablesContract } from './presence';
import { defineQueueStatusContract } from './queues';
import { defineQueueSettingsContract } from './queueSettings';
import { defineRecordingsContract } from './recordings';
import type { ContractDefiner } from './support';
import { defineBulkUsersContract, defineContactUploadContract } from './uploads';

export const CONTRACTS: Record<Capability, ContractDefiner & { rules: ReadonlyArray<{ id: string }> }> = {
  AGENT_DIRECTORY: defineAgentDirectoryContract,
  AGENT_PRESENCE: defineAgentPresenceContract,
  AGENT_CONTROL: defineAgentControlContract,
  CALL_LOG: defineCallLogContract,
  CALL_CREATE: defineCallCreateContract,
  CALL_DATA: defineCallDataContract,
  CAMPAIGN_CATALOG: defineCampaignCatalogContract,
  LEAD_STORE: defineLeadStoreContract,
  SMS: defineSmsContract,
  QUEUE_STATUS: defineQueueStatusContract,
  END_USERS: defineEndUsersContract,
  DNC: defineDncContract,
  CRM_DATA: defineCrmDataContract,
  BULK_USERS: defineBulkUsersContract,
  LEAD_STATUS: defineLeadStatusContract,
  CAMPAIGN_ACTIVITY: defineCampaignActivityContract,
  CALL_DISPOSITION: defineCallDispositionContract,
  CONTACT_UPLOAD: defineContactUploadContract,
  DIALER: defineDialerContract,
  RECORDINGS: defineRecordingsContract,
  PRESENCE_TABLES: definePresenceTablesContract,
  CHAT_LOG: defineChatLogContract,
  CHAT_CONTROL: defineChatControlContract,
  QUEUE_SETTINGS: defineQueueSettingsContract,
  CONTACT_LISTS: defineContactListsContract,
  LEAD_IMPORT: defineLeadImportContract,
};
