/** Ameyo recordings: the voice logs web-access command, streamed (ameyo-crm-url-integration.txt "Voice logs API"). */
import type { RecordingSource } from '../../../domain/types';
import type { AmeyoContext } from './context';

export function createRecordingSource({ client }: AmeyoContext): RecordingSource {
  const source: RecordingSource = {
    async open(callNativeId, format, scope) {
      const res = await client.voiceLog(scope, callNativeId, format === 'MP3' ? 'mp3' : 'wav');
      const type = res.headers['content-type'] ?? '';
      if (type.includes('json')) {
        // Ameyo answers "could not be found" as a JSON message, not a 404 (ameyo-crm-url-integration.txt).
        res.stream?.resume();
        return null;
      }
      return {
        stream: res.stream!,
        contentType: type || (format === 'MP3' ? 'audio/mpeg' : 'audio/wav'),
        contentLength: res.headers['content-length'] ? Number(res.headers['content-length']) : null,
        filename: `${callNativeId.replace(/[^A-Za-z0-9._-]/g, '_')}.${format === 'MP3' ? 'mp3' : 'wav'}`,
      };
    },
    async probe(callNativeId, format, scope) {
      // Ameyo has no "does it exist" call: open the voice log, read its head, and let it go.
      const file = await source.open(callNativeId, format, scope);
      if (!file) return null;
      file.stream.on('error', () => undefined); // destroying an unread undici body reports an abort; it is the point
      file.stream.destroy();
      return { contentType: file.contentType, contentLength: file.contentLength };
    },
  };
  return source;
}
