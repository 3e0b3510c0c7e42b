/** Recordings: a gateway URL that streams the vendor's recording under the caller's auth (src/domain/recordings.ts). */
import { filePath } from '../../fileLinks';
import { probeRecording } from '../../domain/recordings';
import type { Resolvers } from '../../generated/graphql';
import { nodeRef } from '../mutations';
import { notFound } from './nodes';

export const recordingResolvers: Resolvers = {
  Query: {
    recording: async (_r, { callId, format }, ctx) => {
      const call = nodeRef(ctx, callId, 'Call');
      const fmt = format ?? 'WAV';
      const found = await probeRecording(ctx.tenant, call.connectionId, call.nativeId, fmt, ctx.scope);
      if (!found) throw notFound(callId);
      return { callId, format: fmt, url: `${ctx.publicBaseUrl}${filePath('recordings', callId, { format: fmt.toLowerCase() })}`, contentType: found.contentType, byteLength: found.contentLength };
    },
  },
};
