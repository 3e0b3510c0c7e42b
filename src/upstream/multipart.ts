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

/**
 * A multipart/form-data body whose file part streams from `file.content` as the socket drains: text
 * fields first, then the file, then the closing boundary. Memory stays at one chunk, whatever the size.
 */
export function multipartStream(
  fields: ReadonlyArray<{ name: string; value: string }>,
  file: { name: string; filename: string; contentType: string; content: AsyncIterable<Buffer> },
): { contentType: string; body: AsyncIterable<Buffer> } {
  const boundary = `----switchboard${randomBytes(12).toString('hex')}`;
  async function* body(): AsyncGenerator<Buffer> {
    for (const f of fields) {
      yield Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${safe(f.name)}"\r\n\r\n${f.value}\r\n`, 'utf8');
    }
    yield Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${safe(file.name)}"; filename="${safe(file.filename)}"\r\nContent-Type: ${file.contentType}\r\n\r\n`, 'utf8');
    yield* file.content;
    yield Buffer.from(`\r\n--${boundary}--\r\n`, 'utf8');
  }
  return { contentType: `multipart/form-data; boundary=${boundary}`, body: body() };
}
