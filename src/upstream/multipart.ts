/**
 * multipart/form-data bodies for vendor uploads (bulk-user and contact-import JSON files). Parts are
 * written as given: text fields, and file parts whose filename is ours to choose (a client's filename is
 * never put on the wire unchecked: only `[A-Za-z0-9._-]` survive).
 */
import { randomBytes } from 'node:crypto';

export type MultipartPart = { name: string; value: string } | { name: string; filename: string; contentType: string; content: Buffer };

const safe = (s: string) => s.replace(/[^A-Za-z0-9._-]/g, '_').slice(0, 100) || 'file';

export function encodeMultipart(parts: readonly MultipartPart[]): { contentType: string; body: Buffer } {
  const boundary = `----switchboard${randomBytes(12).toString('hex')}`;
  const chunks: Buffer[] = [];
  for (const part of parts) {
    let head = `--${boundary}\r\nContent-Disposition: form-data; name="${safe(part.name)}"`;
    if ('content' in part) head += `; filename="${safe(part.filename)}"\r\nContent-Type: ${part.contentType}`;
    chunks.push(Buffer.from(`${head}\r\n\r\n`, 'utf8'));
    chunks.push('content' in part ? part.content : Buffer.from(part.value, 'utf8'));
    chunks.push(Buffer.from('\r\n', 'utf8'));
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`, 'utf8'));
  return { contentType: `multipart/form-data; boundary=${boundary}`, body: Buffer.concat(chunks) };
}

/** Passes `source` through, failing with `onExceeded()` once more than `maxBytes` have gone by. */
export async function* limitBytes(source: AsyncIterable<Buffer>, maxBytes: number, onExceeded: () => Error): AsyncGenerator<Buffer> {
  let seen = 0;
  for await (const chunk of source) {
    seen += chunk.length;
    if (seen > maxBytes) throw onExceeded();
    yield chunk;
  }
}

/** A part of a streamed body: a text field, or a file whose content is a buffer or streams. */
export type StreamedPart = { name: string; value: string } | { name: string; filename: string; contentType: string; content: Buffer | AsyncIterable<Buffer> };

/**
 * A multipart/form-data body written part by part, in the order given, as the socket drains: a file part streams
 * from its `content`, so memory stays at one chunk whatever the size.
 */
export function multipartStream(parts: readonly StreamedPart[]): { contentType: string; body: AsyncIterable<Buffer> } {
  const boundary = `----switchboard${randomBytes(12).toString('hex')}`;
  async function* body(): AsyncGenerator<Buffer> {
    for (const part of parts) {
      if ('value' in part) {
        yield Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${safe(part.name)}"\r\n\r\n${part.value}\r\n`, 'utf8');
        continue;
      }
      yield Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${safe(part.name)}"; filename="${safe(part.filename)}"\r\nContent-Type: ${part.contentType}\r\n\r\n`, 'utf8');
      if (Buffer.isBuffer(part.content)) yield part.content;
      else yield* part.content;
      yield Buffer.from('\r\n', 'utf8');
    }
    yield Buffer.from(`--${boundary}--\r\n`, 'utf8');
  }
  return { contentType: `multipart/form-data; boundary=${boundary}`, body: body() };
}
