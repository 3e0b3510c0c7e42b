/**
 * multipart/form-data bodies for vendor uploads (contact CSVs, bulk-user and contact-import JSON files, queue
 * settings). Parts are written in the order given: text fields, and file parts whose filename is ours to choose (a
 * client's filename is never put on the wire unchecked: only `[A-Za-z0-9._-]` survive).
 */
import { randomBytes } from 'node:crypto';

/** A text field, or a file whose content is a buffer or streams. */
export type MultipartPart = { name: string; value: string } | { name: string; filename: string; contentType: string; content: Buffer | AsyncIterable<Buffer> };
/** A part whose content is in memory (`encodeMultipart`). */
export type BufferedPart = { name: string; value: string } | { name: string; filename: string; contentType: string; content: Buffer };

const safe = (s: string) => s.replace(/[^A-Za-z0-9._-]/g, '_').slice(0, 100) || 'file';

const newBoundary = () => `----switchboard${randomBytes(12).toString('hex')}`;

/** The body in pieces: each part's head, its content as given (a buffer, or the stream itself), its CRLF, then the close. */
function* pieces(boundary: string, parts: readonly MultipartPart[]): Generator<Buffer | AsyncIterable<Buffer>> {
  for (const part of parts) {
    if ('value' in part) {
      yield Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${safe(part.name)}"\r\n\r\n${part.value}\r\n`, 'utf8');
      continue;
    }
    yield Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${safe(part.name)}"; filename="${safe(part.filename)}"\r\nContent-Type: ${part.contentType}\r\n\r\n`, 'utf8');
    yield part.content;
    yield Buffer.from('\r\n', 'utf8');
  }
  yield Buffer.from(`--${boundary}--\r\n`, 'utf8');
}

/** The whole body in memory (small JSON files that must be sent, and may be resent, as one buffer). */
export function encodeMultipart(parts: readonly BufferedPart[]): { contentType: string; body: Buffer } {
  const boundary = newBoundary();
  return { contentType: `multipart/form-data; boundary=${boundary}`, body: Buffer.concat([...pieces(boundary, parts)] as Buffer[]) };
}

/**
 * A body written part by part as the socket drains: a file part streams from its `content`, so memory stays at one
 * chunk whatever the size.
 */
export function multipartStream(parts: readonly MultipartPart[]): { contentType: string; body: AsyncIterable<Buffer> } {
  const boundary = newBoundary();
  async function* body(): AsyncGenerator<Buffer> {
    for (const piece of pieces(boundary, parts)) {
      if (Buffer.isBuffer(piece)) yield piece;
      else yield* piece;
    }
  }
  return { contentType: `multipart/form-data; boundary=${boundary}`, body: body() };
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
