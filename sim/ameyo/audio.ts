/**
 * Deterministic voice-log files for `downloadVoiceLog`: a real WAV (RIFF/WAVE, PCM 8 kHz mono 16-bit) and an
 * MP3-looking file (ID3v2.4 tag, then MPEG-1 Layer III frames). Same crt id → same bytes.
 */
import { createHash } from 'node:crypto';

const SAMPLE_RATE = 8000;
const WAV_SAMPLES = 4000; // half a second: 8,000 data bytes + 44 header bytes

const digest = (text: string) => createHash('sha256').update(text).digest();

/** A RIFF/WAVE file: a tone whose pitch and loudness come from the crt id, plus a little deterministic noise. */
export function voiceLogWav(crtObjectId: string): Buffer {
  const h = digest(`wav:${crtObjectId}`);
  const freq = 300 + (h.readUInt16BE(0) % 600); // 300–899 Hz
  const amplitude = 4000 + h[2]! * 40;
  let noise = h.readUInt32BE(4) || 1;
  const dataBytes = WAV_SAMPLES * 2;
  const buf = Buffer.alloc(44 + dataBytes);
  buf.write('RIFF', 0, 'ascii');
  buf.writeUInt32LE(36 + dataBytes, 4);
  buf.write('WAVE', 8, 'ascii');
  buf.write('fmt ', 12, 'ascii');
  buf.writeUInt32LE(16, 16); // fmt chunk size
  buf.writeUInt16LE(1, 20); // PCM
  buf.writeUInt16LE(1, 22); // mono
  buf.writeUInt32LE(SAMPLE_RATE, 24);
  buf.writeUInt32LE(SAMPLE_RATE * 2, 28); // byte rate
  buf.writeUInt16LE(2, 32); // block align
  buf.writeUInt16LE(16, 34); // bits per sample
  buf.write('data', 36, 'ascii');
  buf.writeUInt32LE(dataBytes, 40);
  for (let n = 0; n < WAV_SAMPLES; n++) {
    noise = (Math.imul(noise, 1103515245) + 12345) >>> 0;
    const sample = Math.round(amplitude * Math.sin((2 * Math.PI * freq * n) / SAMPLE_RATE)) + ((noise >>> 16) % 257) - 128;
    buf.writeInt16LE(Math.max(-32768, Math.min(32767, sample)), 44 + n * 2);
  }
  return buf;
}

/** A 28-bit "syncsafe" integer (ID3v2): 7 bits per byte. */
function syncsafe(n: number): Buffer {
  return Buffer.from([(n >>> 21) & 0x7f, (n >>> 14) & 0x7f, (n >>> 7) & 0x7f, n & 0x7f]);
}

/** MPEG-1 Layer III, 128 kbit/s, 44.1 kHz, no padding, mono: `FF FB 90 C4`, 417-byte frames. */
const MP3_FRAME_HEADER = Buffer.from([0xff, 0xfb, 0x90, 0xc4]);
const MP3_FRAME_BYTES = 417; // floor(144 * 128000 / 44100)
const MP3_FRAMES = 8;

/** An ID3v2.4 tag (a TIT2 title frame naming the call) followed by MPEG frames of deterministic payload. */
export function voiceLogMp3(crtObjectId: string): Buffer {
  const title = Buffer.concat([Buffer.from([0x03]), Buffer.from(`Voice log ${crtObjectId}`, 'utf8')]); // 0x03 = UTF-8
  const frame = Buffer.concat([Buffer.from('TIT2', 'ascii'), syncsafe(title.length), Buffer.from([0, 0]), title]);
  const tag = Buffer.concat([Buffer.from('ID3', 'ascii'), Buffer.from([0x04, 0x00, 0x00]), syncsafe(frame.length), frame]);
  const frames: Buffer[] = [];
  let block = digest(`mp3:${crtObjectId}`);
  for (let f = 0; f < MP3_FRAMES; f++) {
    const payload = Buffer.alloc(MP3_FRAME_BYTES - MP3_FRAME_HEADER.length);
    for (let off = 0; off < payload.length; off += block.length) {
      block = createHash('sha256').update(block).digest();
      block.copy(payload, off);
    }
    frames.push(MP3_FRAME_HEADER, payload);
  }
  return Buffer.concat([tag, ...frames]);
}
