/** Apps API chat records <-> domain chats: the chat states (apps-api.txt "Chats"; sim/apps-api/seed.ts CHAT_STATUSES). */
import type { Chat, ChatEntry, ChatMedia, ChatStatus } from '../../domain/types';
import { agentSummaryOf } from './calls';
import type { WireChat, wireChatMedia, wireChatMessage } from './types';
import type { z } from 'zod';

/**
 * The vendor's chat states. "dismissed" and "va_dismissed" are the document's (resume); the others follow the call
 * states' names (the docs list no chat states): a state the table lacks maps to UNKNOWN, its value kept in `rawStatus`.
 */
export const APPS_API_CHAT_STATUSES: Readonly<Record<string, ChatStatus>> = {
  selecting: 'SELECTING',
  va_assigned: 'VIRTUAL_AGENT',
  queued: 'QUEUED',
  assigned: 'ASSIGNED',
  finished: 'FINISHED',
  failed: 'FAILED',
  dismissed: 'DISMISSED',
  va_dismissed: 'VIRTUAL_AGENT_DISMISSED',
  deflected: 'DEFLECTED',
};

const snake = (s: string) =>
  s
    .trim()
    .toLowerCase()
    .replace(/[\s-]+/g, '_');

export function appsApiChatStatus(raw: string | null | undefined): ChatStatus {
  return (raw && APPS_API_CHAT_STATUSES[snake(raw)]) || 'UNKNOWN';
}

/** The wire value for a status filter; null for UNKNOWN. */
export function appsApiChatStatusValue(status: ChatStatus): string | null {
  return Object.entries(APPS_API_CHAT_STATUSES).find(([, s]) => s === status)?.[0] ?? null;
}

const date = (s: string | null | undefined): Date | null => {
  if (!s) return null;
  const d = new Date(s);
  return Number.isNaN(d.getTime()) ? null : d;
};
const str = (v: string | number | null | undefined): string | null => (v === null || v === undefined ? null : String(v));

export function toChatEntry(w: z.infer<typeof wireChatMessage>): ChatEntry {
  return {
    nativeId: str(w.id),
    from: w.from ?? null,
    fromNativeId: str(w.from_user_id),
    type: w.type ?? null,
    content: w.content ?? null,
    mediaId: w.media_id ?? null,
    sentAt: date(w.sent_at),
  };
}

export function toChatMedia(w: z.infer<typeof wireChatMedia>): ChatMedia {
  const kind = w.type === 'photo' ? 'PHOTO' : w.type === 'video' ? 'VIDEO' : null;
  return { mediaId: String(w.media_id), url: w.url ?? null, kind, storagePath: w.s3_path ?? null, photoType: w.photo_type ?? null };
}

export function toChat(connectionId: string, w: WireChat): Chat {
  const menu = w.menus?.[0];
  return {
    connectionId,
    vendor: 'apps-api',
    nativeId: String(w.id),
    status: appsApiChatStatus(w.status),
    rawStatus: w.status,
    statusText: w.status_text ?? null,
    channel: w.chat_type ?? null,
    lang: w.lang ?? null,
    createdAt: date(w.created_at),
    updatedAt: date(w.updated_at),
    endedAt: date(w.ends_at),
    agentNativeId: str(w.agent?.id),
    agentSummary: agentSummaryOf(w.agent),
    endUser: w.end_user ? { nativeId: str(w.end_user.id), identifier: w.end_user.identifier ?? null } : null,
    queue: menu ? { nativeId: String(menu.id), name: menu.name ?? null } : null,
    transcript: w.transcript?.messages ? w.transcript.messages.map(toChatEntry) : null,
    messages: (w.messages ?? []).map(toChatEntry),
    deflectionChannel: w.deflection_channel ?? null,
    raw: w,
  };
}
