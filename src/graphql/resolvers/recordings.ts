/** Recordings: a gateway URL that streams the vendor's voice log under the caller's auth. */
import type { Resolvers } from '../../generated/graphql';
import { nodeWith } from '../mutations';
import { notFound } from './nodes';

export const recordingPath = (callGlobalId: string, format: 'WAV' | 'MP3') => `/files/recordings/${encodeURIComponent(callGlobalId)}?format=${format.toLowerCase()}`;

export const recordingResolvers: Resolvers = {
  Query: {
    recording: async (_r, { callId, format }, ctx) => {
      const { adapter, nativeId } = nodeWith(ctx, callId, 'Call', 'RECORDINGS');
      const fmt = format ?? 'WAV';
      // Ameyo has no "does it exist" call: open the voice log, read its head, and let it go.
      const file = await adapter.recordings!.open(nativeId, fmt, ctx.scope);
      if (!file) throw notFound(callId);
      file.stream.on('error', () => undefined); // destroying an unread undici body reports an abort; it is the point
      file.stream.destroy();
      return { callId, format: fmt, url: `${ctx.publicBaseUrl}${recordingPath(callId, fmt)}`, contentType: file.contentType, byteLength: file.contentLength };
    },
  },
};
