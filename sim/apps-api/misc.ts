/**
 * SMS (vendor-docs/apps-api.txt "SMS"; notes §1), CRM contact data (notes §1 "CRM contact data") and end users
 * (vendor doc "End Users"; notes §1).
 */
import type { SimContext, SimReply } from '../common/server';
import { upsertEndUser } from './calls';
import { badRequest, END_USER_400, MISSING_PARAMETER, messageReply, notFoundRecord } from './errors';
import { isoAt, nextId, type AppsEnv, type RouteModule } from './env';
import type { SmsChat } from './seed';
import { asId, asText, bodyObject, given } from './util';

/** "Messaging (API)", deprecated "SMS", and "Messaging (SMS)" as the doc's example sends it. */
export const SMS_CHAT_TYPES: readonly string[] = Object.freeze(['Messaging (API)', 'SMS', 'Messaging (SMS)']);

export const MISC_400 = {
  // By analogy with the calls' "invalid call type - ensure call_type is supported" (our assumption).
  invalidChatType: 'invalid chat type - ensure chat_type is supported',
  agentEmailNotFound: 'agentEmail is not found',
  agentIdNotFound: 'agentId is not found',
} as const;

/** First chat id (our assumption; no chats are seeded). */
const FIRST_CHAT_ID = 30_001;

function createSms(env: AppsEnv, ctx: SimContext): SimReply {
  const { state } = env;
  const b = bodyObject(ctx);
  if (!given(b.chat_type) || !given(b.end_user_number) || !given(b.outbound_number) || !given(b.message)) {
    return badRequest(MISSING_PARAMETER);
  }
  const chatType = asText(b.chat_type);
  if (chatType === null || !SMS_CHAT_TYPES.includes(chatType)) return badRequest(MISC_400.invalidChatType);
  // Extra optional camelCase keys `agentId`, `agentEmail` assign the chat to an agent (notes §1); agentId wins.
  let agentId: number | null = null;
  if (given(b.agentId)) {
    const id = asId(b.agentId);
    const agent = state.agents.find((a) => a.id === id);
    if (!agent) return badRequest(MISC_400.agentIdNotFound);
    agentId = agent.id;
  } else if (given(b.agentEmail)) {
    const email = String(asText(b.agentEmail)).toLowerCase();
    const agent = state.agents.find((a) => a.email.toLowerCase() === email);
    if (!agent) return badRequest(MISC_400.agentEmailNotFound);
    agentId = agent.id;
  }
  const chat: SmsChat = {
    id: nextId(state.chats, FIRST_CHAT_ID - 1),
    chat_type: chatType,
    status: 'queued',
    end_user_number: asText(b.end_user_number)!,
    outbound_number: asText(b.outbound_number)!,
    ticket_id: asText(b.ticket_id),
    agent_id: agentId,
    created_at: isoAt(env.now()),
    message: asText(b.message)!,
  };
  state.chats.push(chat);
  const { message: _message, ...wire } = chat; // the message text is stored, not echoed (our assumption)
  return { status: 200, body: wire };
}

function postContactData(env: AppsEnv, ctx: SimContext): SimReply {
  const b = bodyObject(ctx);
  const contact = b.contact;
  if (!given(b.call_id) || contact === null || typeof contact !== 'object' || Array.isArray(contact)) {
    return badRequest(MISSING_PARAMETER);
  }
  // The document's sample sends the ids as strings (`"call_id": "1917", "agent_id": "1"`): a number is refused,
  // as a typed API would (our assumption for the message), so a client sending numbers fails here too.
  for (const key of ['call_id', 'agent_id'] as const) {
    if (given(b[key]) && typeof b[key] !== 'string') return badRequest(`${key} must be a string`);
  }
  env.state.crmContactData.push({ received_at: isoAt(env.now()), body: JSON.parse(JSON.stringify(b)) as Record<string, unknown> });
  return messageReply(200, 'success'); // our assumption: the docs give no answer body (notes §1)
}

function postEndUser(env: AppsEnv, ctx: SimContext): SimReply {
  const b = bodyObject(ctx);
  const identifier = asText(b.identifier);
  if (identifier === null) return badRequest(END_USER_400.identifierMissing);
  const user = upsertEndUser(env, identifier, b, true);
  return { status: 200, body: { id: user.id, identifier: user.identifier } };
}

function getEndUser(env: AppsEnv, ctx: SimContext): SimReply {
  const rawId = ctx.query.get('id')?.trim();
  const identifier = ctx.query.get('identifier')?.trim();
  if (!rawId && !identifier) return badRequest(MISSING_PARAMETER);
  // `id` wins when both are sent (our assumption).
  const user = rawId ? env.state.endUsers.find((u) => u.id === asId(rawId)) : env.state.endUsers.find((u) => u.identifier === identifier);
  return user ? { status: 200, body: { id: user.id, identifier: user.identifier } } : notFoundRecord();
}

export const miscRoutes: RouteModule = (env) => [
  { route: 'POST /apps/api/v1/sms', handler: (ctx) => createSms(env, ctx) },
  { route: 'POST /apps/api/v1/crm/contact_data', handler: (ctx) => postContactData(env, ctx) },
  { route: 'POST /apps/api/v1/end_users', handler: (ctx) => postEndUser(env, ctx) },
  { route: 'GET /apps/api/v1/end_users', handler: (ctx) => getEndUser(env, ctx) },
];
