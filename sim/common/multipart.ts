/** A multipart/form-data reader (RFC 7578) for the simulators' upload endpoints (Ameyo contacts, Apps API bulk files). */
import type { SimContext } from './server';

export interface MultipartPart {
  name: string;
  filename: string | null;
  contentType: string | null;
  data: Buffer;
}

/**
 * Parses a multipart/form-data body with the boundary from Content-Type. Returns null when the request is not
 * multipart, has no boundary, or the body does not parse. Parts without a `name` are dropped.
 */
export function parseMultipart(ctx: Pick<SimContext, 'headers' | 'rawBody'>): MultipartPart[] | null {
  const ct = ctx.headers['content-type'] ?? '';
  if (!/^multipart\/form-data\s*;/i.test(ct)) return null;
  const m = /;\s*boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(ct);
  const boundary = m?.[1] ?? m?.[2];
  if (!boundary) return null;
  const body = ctx.rawBody;
  const delimiter = Buffer.from(`--${boundary}`);
  const partEnd = Buffer.concat([Buffer.from('\r\n'), delimiter]);
  const parts: MultipartPart[] = [];
  let pos = body.indexOf(delimiter);
  if (pos < 0) return null;
  for (;;) {
    pos += delimiter.length;
    // `--` after a delimiter closes the body.
    if (body[pos] === 0x2d && body[pos + 1] === 0x2d) break;
    // Skip the line break after the delimiter.
    if (body[pos] === 0x0d && body[pos + 1] === 0x0a) pos += 2;
    else if (body[pos] === 0x0a) pos += 1;
    else return null;
    const headerEnd = body.indexOf('\r\n\r\n', pos);
    if (headerEnd < 0) return null;
    const next = body.indexOf(partEnd, headerEnd + 4);
    if (next < 0) return null;
    const headers = body.subarray(pos, headerEnd).toString('utf8').split('\r\n');
    let name: string | null = null;
    let filename: string | null = null;
    let contentType: string | null = null;
    for (const line of headers) {
      const colon = line.indexOf(':');
      if (colon < 0) continue;
      const key = line.slice(0, colon).trim().toLowerCase();
      const value = line.slice(colon + 1).trim();
      if (key === 'content-disposition') {
        name = /;\s*name="([^"]*)"/i.exec(value)?.[1] ?? /;\s*name=([^;\s]+)/i.exec(value)?.[1] ?? null;
        filename = /;\s*filename="([^"]*)"/i.exec(value)?.[1] ?? /;\s*filename=([^;\s]+)/i.exec(value)?.[1] ?? null;
      } else if (key === 'content-type') {
        contentType = value;
      }
    }
    if (name !== null) parts.push({ name, filename, contentType, data: body.subarray(headerEnd + 4, next) });
    pos = next + 2; // at the delimiter
  }
  return parts;
}
