/**
 * Apps API chats: the chat log (Manager API `GET /chats[/:id]`) and the commands on a chat (apps-api.txt "Chats": create,
 * update/finish, resume, messages, escalations, photos, videos, media, customer flags, custom data, end user). Ids go
 * out as integers, as the document's bodies declare them.
 */
import type { ChatControl, ChatLog } from '../../../domain/types';
import type { QueryValue } from '../../routes';
import { appsApiChatStatusValue, toChat, toChatEntry, toChatMedia } from '../chats';
import { wireChat, wireChatEscalation, wireChatList, wireChatMedia, wireChatMediaList, wireChatMessage, wireChatUploadUrl } from '../types';
import { idNumber, orNull, toDate, type AppsApiContext } from './context';
import { createSessionData } from './sessionData';

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

const KIND_PATHS = {
  PHOTO: { list: 'listChatPhotos', uploadUrl: 'getChatPhotoUploadUrl' },
  VIDEO: { list: 'listChatVideos', uploadUrl: 'getChatVideoUploadUrl' },
} as const;

export function createChatControl(ctx: AppsApiContext): ChatControl {
  const { client, cid } = ctx;
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
    ...createSessionData(ctx, {
      updateEndUser: 'updateChatEndUser',
      getCustomerFlags: 'getChatCustomerFlags',
      updateCustomerFlags: 'updateChatCustomerFlags',
      sendCustomData: 'sendChatCustomData',
    }),
  };
}
