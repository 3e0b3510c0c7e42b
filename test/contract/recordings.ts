/** Contract of RECORDINGS. */
import { fixture } from './fixtures';
import { defineContract } from './support';

export const defineRecordingsContract = defineContract('RECORDINGS', [
  {
    id: 'RE-1',
    name: 'MUST probe and open a recording with the same type and size',
    async fn(s) {
      const { withRecording } = fixture(s, 'recordings');
      for (const format of ['WAV', 'MP3'] as const) {
        const probed = await s.adapter.recordings!.probe(withRecording, format, s.scope());
        const file = await s.adapter.recordings!.open(withRecording, format, s.scope());
        expect(probed).not.toBeNull();
        let bytes = 0;
        for await (const c of file!.stream) bytes += (c as Buffer).length;
        expect(probed).toEqual({ contentType: file!.contentType, contentLength: file!.contentLength });
        if (file!.contentLength !== null) expect(bytes).toBe(file!.contentLength);
      }
    },
  },
  {
    id: 'RE-2',
    name: 'MUST answer null, not an error, for a call without a recording',
    async fn(s) {
      const { withoutRecording } = fixture(s, 'recordings');
      expect(await s.adapter.recordings!.probe(withoutRecording, 'WAV', s.scope())).toBeNull();
      expect(await s.adapter.recordings!.open(withoutRecording, 'WAV', s.scope())).toBeNull();
    },
  },
]);
