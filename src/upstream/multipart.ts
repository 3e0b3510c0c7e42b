/**
 * multipart/form-data bodies for vendor uploads (bulk-user and contact-import JSON files). Parts are
 * written as given: text fields, and file parts whose filename is ours to choose (a client's filename is
 * never put on the wire unchecked: only `[A-Za-z0-9._-]` survive).
 */
import { randomBytes } from 'node:crypto';

export type MultipartPart =
  | { name: string; value: string }
  | { name: string; filename: string; contentType: string; content: Buffer };

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
