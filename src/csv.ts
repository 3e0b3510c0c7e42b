/**
 * CSV (RFC 4180) for contact uploads: reading the header row off the front of a stream without holding
 * the rest, and parsing small files whole (error reports).
 */
import { BadUserInputError } from './errors';

/** Parses CSV text into records (quoted fields, doubled quotes, CRLF or LF; a leading BOM is dropped). */
export function parseCsv(text: string): string[][] {
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i += 2;
          continue;
        }
        quoted = false;
      } else field += c;
      i++;
      continue;
    }
    if (c === '"' && field === '') quoted = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\n' || c === '\r') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      if (c === '\r' && text[i + 1] === '\n') i++;
    } else field += c;
    i++;
  }
  if (field !== '' || row.length > 0) {
    row.push(field);
    rows.push(row);
  }
  return rows;
}

/** Index of the first line end outside quotes in `text`, or -1. */
function lineEnd(text: string): number {
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '"') quoted = !quoted;
    else if (!quoted && (c === '\n' || c === '\r')) return i;
  }
  return -1;
}

export interface PeekedCsv {
  /** The header row's column names, trimmed. */
  header: string[];
  /** The whole file again: the bytes already read, then the rest of the stream, untouched. */
  body: AsyncIterable<Buffer>;
}

/**
 * Reads just enough of `source` to see the header row (at most `maxHeaderBytes`), and hands back the
 * header and a stream of the whole file, byte for byte. Nothing beyond the first chunks is buffered.
 */
export async function peekCsvHeader(source: AsyncIterable<Buffer>, maxHeaderBytes = 65_536, field = 'file'): Promise<PeekedCsv> {
  const it = source[Symbol.asyncIterator]();
  const head: Buffer[] = [];
  let size = 0;
  let header: string[] | null = null;
  while (header === null) {
    const next = await it.next();
    if (next.done) {
      const text = Buffer.concat(head).toString('utf8');
      if (text.trim() === '') throw new BadUserInputError(`${field} is empty`);
      header = parseCsv(text)[0] ?? [];
      break;
    }
    head.push(next.value);
    size += next.value.length;
    const text = Buffer.concat(head).toString('utf8');
    const end = lineEnd(text);
    if (end >= 0) header = parseCsv(text.slice(0, end))[0] ?? [];
    else if (size > maxHeaderBytes) throw new BadUserInputError(`${field} has no header row in its first ${maxHeaderBytes} bytes`);
  }
  async function* whole(): AsyncGenerator<Buffer> {
    yield* head;
    for (;;) {
      const next = await it.next();
      if (next.done) return;
      yield next.value;
    }
  }
  return { header: header.map((h) => h.trim()), body: whole() };
}

/** Quotes one CSV field when it needs it. */
export const csvField = (v: string) => (/[",\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);
