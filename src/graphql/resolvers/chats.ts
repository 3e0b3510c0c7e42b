/** Chats: the chat log across connections, a chat's references (agent via DataLoader), and the chat commands. */
import { chatControlAt, listChats } from '../../domain/chats';
import type { Chat, ChatEntry, ChatEscalation, ChatMedia, CustomerFlags } from '../../domain/types';
import type { Resolvers } from '../../generated/graphql';
import type { GatewayContext } from '../context';
import { vendorEnum } from '../enums';
import { decodeGlobalId, encodeGlobalId, splitQueueNativeKey } from '../ids';
import { inputError, inputNodeId, nodeRef, withUserErrors, type UserError } from '../mutations';
import { answerPartially } from '../partial';
import { agentOfRecord } from './agents';
import { loadNode } from './nodes';

type ChatRef = { connectionId: string; nativeId: string };

/** A command payload's chat, read only when asked for, from the API the commands went to (one vendor read). */
const chatOf = (ctx: GatewayContext, p: { chatRef: ChatRef | null }) => (p.chatRef ? chatControlAt(ctx.tenant, p.chatRef.connectionId).readChat(p.chatRef.nativeId, ctx.scope) : null);

const blank = (s: string | null | undefined) => s == null || s.trim() === '';

/** The chat a command addresses, its connection's chat commands, and what the payload says of the target on a vendor 404. */
function target(ctx: GatewayContext, chatId: string) {
  const ref = nodeRef(ctx, chatId, 'Chat');
  return { ref, control: chatControlAt(ctx.tenant, ref.connectionId), opts: { target: { id: chatId, type: 'Chat' as const } } };
}

/** An Agent or EndUser id of `connectionId` (a message's writer): the vendor's user id, or a user error. */
function writerId(id: string, connectionId: string, field: string[]): { nativeId: string } | { error: UserError } {
  try {
    const gid = decodeGlobalId(id);
    if ((gid.type === 'Agent' || gid.type === 'EndUser') && gid.connectionId === connectionId) return { nativeId: gid.nativeId };
  } catch (err) {
    return { error: inputError(field, (err as Error).message) };
  }
  return { error: inputError(field, `expected an Agent or an EndUser of connection '${connectionId}'`) };
}

export const chatResolvers: Resolvers = {
  Query: {
    chats: async (_root, { filter, first, after }, ctx, info) => answerPartially(ctx, info, await listChats(ctx.tenant, filter ?? {}, first ?? 50, after, ctx.scope)),
    chat: (_root, { id }, ctx) => loadNode<Chat>(id, ctx, 'Chat'),
    chatMedia: async (_root, { chatId, mediaId }, ctx) => {
      const { ref, control } = target(ctx, chatId);
      return control.getMedia(ref.nativeId, mediaId, ctx.scope);
    },
  },

  ChatConnection: {
    totalCount: async (page) => (await page.totalCount()) ?? 0,
  },

  Chat: {
    id: (c) => encodeGlobalId('Chat', c.connectionId, c.nativeId),
    vendor: (c) => vendorEnum(c.vendor),
    connection: (c, _a, ctx) => ctx.tenant.connections.get(c.connectionId)!,
    // The same DataLoader as Call.agent: N chats' agents cost one batch.
    agent: (c, _a, ctx, info) => agentOfRecord(c, ctx, info),
    customerFlags: (c, _a, ctx) => chatControlAt(ctx.tenant, c.connectionId).getCustomerFlags(c.nativeId, ctx.scope),
    media: (c, { kind }, ctx) => chatControlAt(ctx.tenant, c.connectionId).listMedia(c.nativeId, kind, ctx.scope),
    raw: (c) => c.raw ?? {},
  },

  ChatMessageSendPayload: { chat: (p, _a, ctx) => chatOf(ctx, p) },
  ChatEscalatePayload: { chat: (p, _a, ctx) => chatOf(ctx, p) },
  ChatEscalationUpdatePayload: { chat: (p, _a, ctx) => chatOf(ctx, p) },
  ChatEndUserUpdatePayload: { chat: (p, _a, ctx) => chatOf(ctx, p) },
  ChatCustomerFlagsUpdatePayload: { chat: (p, _a, ctx) => chatOf(ctx, p) },
  ChatCustomDataSendPayload: { chat: (p, _a, ctx) => chatOf(ctx, p) },

  Mutation: {
    chatCreate: async (_root, { input }, ctx) => {
      const control = chatControlAt(ctx.tenant, input.connectionId);
      const errors: UserError[] = [];
      const queue = inputNodeId(input.queueId, 'Queue', input.connectionId, ['input', 'queueId']);
      const endUser = inputNodeId(input.endUserId, 'EndUser', input.connectionId, ['input', 'endUserId']);
      if ('error' in queue) errors.push(queue.error);
      if ('error' in endUser) errors.push(endUser.error);
      if ('error' in queue || 'error' in endUser) return { chat: null, userErrors: errors };
      const queueNativeId = splitQueueNativeKey(queue.nativeId)?.queueNativeId ?? queue.nativeId;
      const asObject = (v: unknown, field: string) => {
        if (v == null) return null;
        if (typeof v !== 'object' || Array.isArray(v)) errors.push(inputError(['input', field], `${field} must be a JSON object`));
        return v as Record<string, unknown>;
      };
      const context = asObject(input.context, 'context');
      const transcript = asObject(input.transcript, 'transcript');
      if (errors.length) return { chat: null, userErrors: errors };
      return withUserErrors<{ chat: Chat | null }>({ chat: null }, async () => ({
        chat: await control.createChat({ queueNativeId, endUserNativeId: endUser.nativeId, lang: input.lang ?? 'en', email: input.email ?? null, context, transcript }, ctx.scope),
      }));
    },

    chatFinish: async (_root, { input }, ctx) => {
      const { ref, control, opts } = target(ctx, input.chatId);
      let finishedByAgentNativeId: string | null = null;
      if (input.finishedByAgentId) {
        const agent = inputNodeId(input.finishedByAgentId, 'Agent', ref.connectionId, ['input', 'finishedByAgentId']);
        if ('error' in agent) return { chat: null, userErrors: [agent.error] };
        finishedByAgentNativeId = agent.nativeId;
      }
      return withUserErrors<{ chat: Chat | null }>(
        { chat: null },
        async () => ({
          chat: await control.finishChat(
            ref.nativeId,
            { finishedByAgentNativeId, deflectionChannel: input.deflectionChannel ?? null, escalationNativeId: input.escalationNativeId ?? null },
            ctx.scope,
          ),
        }),
        opts,
      );
    },

    chatResume: async (_root, { input }, ctx) => {
      const { ref, control, opts } = target(ctx, input.chatId);
      return withUserErrors<{ chat: Chat | null }>({ chat: null }, async () => ({ chat: await control.resumeChat(ref.nativeId, ctx.scope) }), opts);
    },

    chatMessageSend: async (_root, { input }, ctx) => {
      const { ref, control, opts } = target(ctx, input.chatId);
      const empty = { message: null, chatRef: null };
      const from = writerId(input.fromId, ref.connectionId, ['input', 'fromId']);
      const type = input.type ?? 'TEXT';
      const errors: UserError[] = 'error' in from ? [from.error] : [];
      if (type === 'TEXT' && blank(input.content)) errors.push(inputError(['input', 'content'], 'content is required for a TEXT message'));
      if (type !== 'TEXT' && blank(input.mediaId)) errors.push(inputError(['input', 'mediaId'], `mediaId is required for a ${type} message`));
      if (errors.length || 'error' in from) return { ...empty, userErrors: errors };
      return withUserErrors<{ message: ChatEntry | null; chatRef: ChatRef | null }>(
        empty,
        async () => ({
          message: await control.sendMessage(ref.nativeId, { fromUserNativeId: from.nativeId, type: type.toLowerCase(), content: input.content ?? null, mediaId: input.mediaId ?? null }, ctx.scope),
          chatRef: ref,
        }),
        opts,
      );
    },

    chatEscalate: async (_root, { input }, ctx) => {
      const { ref, control, opts } = target(ctx, input.chatId);
      return withUserErrors<{ escalation: ChatEscalation | null; chatRef: ChatRef | null }>(
        { escalation: null, chatRef: null },
        async () => ({ escalation: await control.escalate(ref.nativeId, { reason: input.reason ?? null, force: input.force ?? null }, ctx.scope), chatRef: ref }),
        opts,
      );
    },

    chatEscalationUpdate: async (_root, { input }, ctx) => {
      const { ref, control, opts } = target(ctx, input.chatId);
      if (blank(input.deflectionChannel)) return { escalation: null, chatRef: null, userErrors: [inputError(['input', 'deflectionChannel'], 'deflectionChannel must not be empty')] };
      if (blank(input.escalationNativeId)) return { escalation: null, chatRef: null, userErrors: [inputError(['input', 'escalationNativeId'], 'escalationNativeId must not be empty')] };
      return withUserErrors<{ escalation: ChatEscalation | null; chatRef: ChatRef | null }>(
        { escalation: null, chatRef: null },
        async () => ({ escalation: await control.setEscalationDeflection(ref.nativeId, input.escalationNativeId, input.deflectionChannel, ctx.scope), chatRef: ref }),
        opts,
      );
    },

    chatPhotosAdd: async (_root, { input }, ctx) => {
      const { ref, control, opts } = target(ctx, input.chatId);
      if (input.photos.length === 0) return { media: null, userErrors: [inputError(['input', 'photos'], 'photos must not be empty')] };
      const bad = input.photos.findIndex((p) => blank(p.storagePath));
      if (bad >= 0) return { media: null, userErrors: [inputError(['input', 'photos', String(bad), 'storagePath'], 'storagePath must not be empty')] };
      return withUserErrors<{ media: ChatMedia[] | null }>(
        { media: null },
        async () => ({
          media: await control.addPhotos(
            ref.nativeId,
            input.photos.map((p) => ({ storagePath: p.storagePath, photoType: p.photoType ?? null })),
            ctx.scope,
          ),
        }),
        opts,
      );
    },

    chatVideoAdd: async (_root, { input }, ctx) => {
      const { ref, control, opts } = target(ctx, input.chatId);
      if (blank(input.storagePath)) return { media: null, userErrors: [inputError(['input', 'storagePath'], 'storagePath must not be empty')] };
      return withUserErrors<{ media: ChatMedia | null }>({ media: null }, async () => ({ media: await control.addVideo(ref.nativeId, input.storagePath, ctx.scope) }), opts);
    },

    chatMediaUploadUrlCreate: async (_root, { input }, ctx) => {
      const { ref, control, opts } = target(ctx, input.chatId);
      return withUserErrors<{ uploadUrl: { url: string; storagePath: string | null; expiresAt: Date | null } | null }>(
        { uploadUrl: null },
        async () => ({ uploadUrl: await control.mediaUploadUrl(ref.nativeId, input.kind, ctx.scope) }),
        opts,
      );
    },

    chatEndUserUpdate: async (_root, { input }, ctx) => {
      const { ref, control, opts } = target(ctx, input.chatId);
      if (blank(input.identifier)) return { accepted: false, chatRef: null, userErrors: [inputError(['input', 'identifier'], 'identifier must not be empty')] };
      return withUserErrors<{ accepted: boolean; chatRef: ChatRef | null }>(
        { accepted: false, chatRef: null },
        async () => {
          await control.updateEndUser(ref.nativeId, { identifier: input.identifier, name: input.name, email: input.email, phone: input.phone }, ctx.scope);
          return { accepted: true, chatRef: ref };
        },
        opts,
      );
    },

    chatCustomerFlagsUpdate: async (_root, { input }, ctx) => {
      const { ref, control, opts } = target(ctx, input.chatId);
      const flags = {
        ...(input.verifiedCustomer != null ? { verifiedCustomer: input.verifiedCustomer } : {}),
        ...(input.badActor != null ? { badActor: input.badActor } : {}),
        ...(input.repeatCustomer != null ? { repeatCustomer: input.repeatCustomer } : {}),
      };
      if (Object.keys(flags).length === 0) return { flags: null, chatRef: null, userErrors: [inputError(['input'], 'give at least one of verifiedCustomer, badActor, repeatCustomer')] };
      return withUserErrors<{ flags: CustomerFlags | null; chatRef: ChatRef | null }>(
        { flags: null, chatRef: null },
        async () => ({ flags: await control.updateCustomerFlags(ref.nativeId, flags, ctx.scope), chatRef: ref }),
        opts,
      );
    },

    chatCustomDataSend: async (_root, { input }, ctx) => {
      const { ref, control, opts } = target(ctx, input.chatId);
      const keys = input.fields.map((f) => f.key);
      if (keys.length === 0) return { sent: false, chatRef: null, userErrors: [inputError(['input', 'fields'], 'fields must not be empty')] };
      const dup = keys.find((k, i) => keys.indexOf(k) !== i);
      if (dup) return { sent: false, chatRef: null, userErrors: [inputError(['input', 'fields'], `field key '${dup}' is given twice`)] };
      return withUserErrors<{ sent: boolean; chatRef: ChatRef | null }>(
        { sent: false, chatRef: null },
        async () => {
          await control.sendCustomData(ref.nativeId, input.fields, input.signed ?? false, ctx.scope);
          return { sent: true, chatRef: ref };
        },
        opts,
      );
    },
  },
};
