/**
 * Apps API chats: the chat log (Manager API `GET /chats[/:id]`) and the commands on a chat (apps-api.txt "Chats": create,
 * update/finish, resume, messages, escalations, photos, videos, media, customer flags, custom data, end user). Ids go
 * out as integers, as the document's bodies declare them.
 */
import type { ChatControl, ChatLog, CustomerFlags } from '../../../domain/types';
import { BadUserInputError } from '../../../errors';
import { signJwtHs256 } from '../../jwt';
import type { QueryValue } from '../../routes';
import { appsApiChatStatusValue, toChat, toChatEntry, toChatMedia } from '../chats';
import { wireChat, wireChatEscalation, wireChatList, wireChatMedia, wireChatMediaList, wireChatMessage, wireChatUploadUrl, wireCustomerFlags, wireMessage } from '../types';
import { idNumber, orNull, toDate, type AppsApiContext } from './context';

export function createChatLog({ client, cid }: AppsApiContext): ChatLog {
  return {
    async listChats(q, offset, limit, scope) {
      const query: Record<string, QueryValue> = {
        'status[]': q.statuses?.map(appsApiChatStatusValue).filter((v): v is string => v !== null),
        'created_at[from]': q.createdAfter?.toISOString(),
        'created_at[to]': q.createdBefore?.toISOString(),
      };
      const res = await client.slice('listChats', wireChatList, scope, offset, limit, { query });
      return { items: res.items.map((w) => toChat(cid, w)), total: res.total };
    },
    getChat: async (nativeId, scope) => {
      const w = await orNull(client.json('getChat', wireChat, scope, { params: { id: nativeId } }));
      return w ? toChat(cid, w) : null;
    },
  };
}

const flagsOf = (f: { verified_customer: boolean; bad_actor: boolean; repeat_customer: boolean }): CustomerFlags => ({
  verifiedCustomer: f.verified_customer,
  badActor: f.bad_actor,
  repeatCustomer: f.repeat_customer,
});

const KIND_PATHS = {
  PHOTO: { list: 'listChatPhotos', uploadUrl: 'getChatPhotoUploadUrl' },
  VIDEO: { list: 'listChatVideos', uploadUrl: 'getChatVideoUploadUrl' },
} as const;

export function createChatControl({ client, config, cid }: AppsApiContext): ChatControl {
  return {
    // The doc's "Accept + id" read ([U] `GET /chats/{id}` of the Apps API).
    readChat: async (chatNativeId, scope) => {
      const w = await orNull(client.json('getAppsChat', wireChat, scope, { params: { id: chatNativeId } }));
      return w ? toChat(cid, w) : null;
    },
    async createChat(req, scope) {
      const chat: Record<string, unknown> = { menu_id: idNumber(req.queueNativeId), end_user_id: idNumber(req.endUserNativeId), lang: req.lang ?? 'en' };
      if (req.email != null) chat['email'] = req.email;
      if (req.context != null) chat['context'] = req.context;
      if (req.transcript != null) chat['transcript'] = req.transcript;
      return toChat(cid, await client.write('createChat', wireChat, scope, { chat }));
    },
    async finishChat(chatNativeId, req, scope) {
      const chat: Record<string, unknown> = { status: 'finished' };
      if (req.deflectionChannel != null) chat['deflection_channel'] = req.deflectionChannel;
      if (req.escalationNativeId != null) chat['escalation_id'] = idNumber(req.escalationNativeId);
      const body: Record<string, unknown> = req.finishedByAgentNativeId != null ? { finished_by_user_id: idNumber(req.finishedByAgentNativeId), chat } : { chat };
      return toChat(cid, await client.write('updateChat', wireChat, scope, body, { params: { id: chatNativeId } }));
    },
    // resume-a-chat: "send a PATCH request with an empty request body".
    resumeChat: async (chatNativeId, scope) => toChat(cid, await client.json('resumeChat', wireChat, scope, { params: { id: chatNativeId } })),
    async sendMessage(chatNativeId, req, scope) {
      const message: Record<string, unknown> = { type: req.type };
      if (req.content != null) message['content'] = req.content;
      if (req.mediaId != null) message['media_id'] = req.mediaId;
      const body = { from_user_id: idNumber(req.fromUserNativeId), message };
      return toChatEntry(await client.write('sendChatMessage', wireChatMessage, scope, body, { params: { id: chatNativeId } }));
    },
    async escalate(chatNativeId, req, scope) {
      const body: Record<string, unknown> = {};
      if (req.reason != null) body['reason'] = req.reason;
      if (req.force != null) body['force_escalate'] = req.force;
      const w = await client.write('escalateChat', wireChatEscalation, scope, body, { params: { chatId: chatNativeId } });
      return { nativeId: String(w.id), reason: w.reason ?? null, forced: w.force_escalate ?? null, deflectionChannel: w.deflection_channel ?? null, createdAt: toDate(w.created_at) };
    },
    async setEscalationDeflection(chatNativeId, escalationNativeId, deflectionChannel, scope) {
      const w = await client.write('updateChatEscalation', wireChatEscalation, scope, { deflection_channel: deflectionChannel }, { params: { chatId: chatNativeId, id: escalationNativeId } });
      return { nativeId: String(w.id), reason: w.reason ?? null, forced: w.force_escalate ?? null, deflectionChannel: w.deflection_channel ?? null, createdAt: toDate(w.created_at) };
    },
    async addPhotos(chatNativeId, photos, scope) {
      const photo = photos.map((p) => (p.photoType != null ? { s3_path: p.storagePath, photo_type: p.photoType } : { s3_path: p.storagePath }));
      return (await client.write('addChatPhotos', wireChatMediaList, scope, { photo }, { params: { chatId: chatNativeId } })).map(toChatMedia);
    },
    addVideo: async (chatNativeId, storagePath, scope) =>
      toChatMedia(await client.write('addChatVideo', wireChatMedia, scope, { video: { s3_path: storagePath } }, { params: { chatId: chatNativeId } })),
    listMedia: async (chatNativeId, kind, scope) =>
      (await client.json(KIND_PATHS[kind].list, wireChatMediaList, scope, { params: { chatId: chatNativeId } })).map((m) => ({ ...toChatMedia(m), kind })),
    async getMedia(chatNativeId, mediaId, scope) {
      const w = await orNull(client.json('getChatMedia', wireChatMedia, scope, { params: { chatId: chatNativeId, mediaId } }));
      return w ? toChatMedia(w) : null;
    },
    async mediaUploadUrl(chatNativeId, kind, scope) {
      const w = await client.json(KIND_PATHS[kind].uploadUrl, wireChatUploadUrl, scope, { params: { chatId: chatNativeId } });
      return { url: w.url, storagePath: w.s3_path ?? null, expiresAt: toDate(w.expires_at) };
    },
    async updateEndUser(chatNativeId, endUser, scope) {
      const body: Record<string, unknown> = { identifier: endUser.identifier };
      if (endUser.name != null) body['name'] = endUser.name;
      if (endUser.email != null) body['email'] = endUser.email;
      if (endUser.phone != null) body['phone'] = endUser.phone;
      await client.write('updateChatEndUser', wireMessage, scope, body, { params: { id: chatNativeId } });
    },
    getCustomerFlags: async (chatNativeId, scope) => flagsOf(await client.json('getChatCustomerFlags', wireCustomerFlags, scope, { params: { id: chatNativeId } })),
    async updateCustomerFlags(chatNativeId, flags, scope) {
      // The request spells `repeat_customers` with an s, as for calls (apps-api.txt "Chats").
      const body: Record<string, boolean> = {};
      if (flags.verifiedCustomer !== undefined) body['verified_customer'] = flags.verifiedCustomer;
      if (flags.badActor !== undefined) body['bad_actor'] = flags.badActor;
      if (flags.repeatCustomer !== undefined) body['repeat_customers'] = flags.repeatCustomer;
      return flagsOf(await client.write('updateChatCustomerFlags', wireCustomerFlags, scope, body, { params: { id: chatNativeId } }));
    },
    async sendCustomData(chatNativeId, fields, signed, scope) {
      const data: Record<string, { label?: string; value: unknown }> = {};
      for (const f of fields) data[f.key] = { ...(f.label != null ? { label: f.label } : {}), value: f.value };
      let body: Record<string, unknown>;
      if (signed) {
        const secret = config.credentials.companySecret;
        if (!secret) throw new BadUserInputError(`connection '${cid}' has no credentials.companySecret to sign with; send signed: false`);
        const iat = Math.floor(Date.now() / 1000);
        body = { signed: true, signed_data: signJwtHs256({ custom_data: data, iat, exp: iat + 300 }, secret) };
      } else {
        body = { signed: false, data };
      }
      await client.write('sendChatCustomData', wireMessage, scope, body, { params: { id: chatNativeId } });
    },
  };
}
