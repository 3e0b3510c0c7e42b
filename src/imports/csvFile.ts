/**
 * The CSV file of a lead import (issue 18): the upload is checked and stored on disk as it streams in, and
 * read back row by row from any cursor, so a job that restarts resumes at the row after the last one it
 * settled. Neither side holds the file: memory stays at a few chunks and one row (at most MAX_ROW_BYTES),
 * whatever the file's size.
 *
 * Rows are what csv-parse reads with CSV_PARSE_OPTIONS (src/csv.ts): RFC 4180 quoting, line breaks inside
 * quotes, CRLF, LF or CR line ends, a leading BOM dropped. Empty lines are skipped and not counted, here
 * and in readCsvRows alike: data row 1 is the first non-empty record after the header.
 */
import { isUtf8 } from 'node:buffer';
import { createReadStream } from 'node:fs';
import { mkdir, open, rename, rm, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { pipeline } from 'node:stream';
import { parse, type CsvError, type Info } from 'csv-parse';
import { CSV_PARSE_OPTIONS, csvField, endParser, spreadsheetSafe, writeParser } from '../csv';
import { BadUserInputError } from '../errors';
import type { ImportCursor } from './store';

/**
 * The longest row we read: 1_048_576 (1 MiB; csv-parse counts the characters of a row's finished fields and
 * the bytes of the current one). A lead is far shorter; a longer "row" is nearly always a quote that is never
 * closed, which would otherwise make the parser hold the rest of the file as one field.
 */
export const MAX_ROW_BYTES = 1_048_576;

/** How the import's files are read: CSV_PARSE_OPTIONS, empty lines skipped, rows bounded. */
const READ_OPTIONS = { ...CSV_PARSE_OPTIONS, skip_empty_lines: true, max_record_size: MAX_ROW_BYTES } as const;

export interface StoredCsvLimits {
  /** Largest file accepted, in bytes (a file of exactly this size passes). */
  maxBytes: number;
  /** Most data rows accepted (the header and empty lines not counted; exactly this many passes). */
  maxRows: number;
}

export interface StoredCsv {
  /** The header row's column names, trimmed: none empty, none twice. */
  header: string[];
  /** Data rows (records after the header; empty lines not counted). */
  rows: number;
  /** The file's size in bytes. */
  bytes: number;
  /** Byte offset of the first data row (after the BOM, the header and its line end): `{ row: 1, byte: dataStart }` reads from the start. */
  dataStart: number;
}

/**
 * Streams an uploaded CSV to `dest` (through `dest + '.part'`, renamed at the end; the directory is created),
 * checking it on the way: UTF-8, within `limits`, a header row with distinct non-empty names, and parseable to
 * its end. Rows whose field count differs from the header's are kept (they become error rows when read).
 *
 * On a refusal the partial file is removed and the rest of `source` is read and dropped in the background, so
 * the HTTP request it comes from still completes; reading stops as soon as the refusal is certain.
 *
 * @throws BadUserInputError, with these messages: "file is empty"; "file has no header row"; "the file's header
 *   has an empty name for column 3"; "the file's header repeats a column name: 'phone' (columns 2 and 5)";
 *   "file is not UTF-8: invalid byte 0xff at offset 17"; "file is larger than N bytes"; "file has more than N
 *   data rows"; "file ends inside a quoted field: the row on line 7 has a quote that is never closed"; "the row
 *   on line 7 is longer than 1048576 bytes". Errors of `source` or the disk are thrown as they are.
 * @throws TypeError when a limit is not a positive integer.
 */
export async function storeCsvFile(source: AsyncIterable<Buffer>, dest: string, limits: StoredCsvLimits): Promise<StoredCsv> {
  const { maxBytes, maxRows } = limits;
  for (const [name, v] of Object.entries({ maxBytes, maxRows })) {
    if (!(Number.isSafeInteger(v) && v > 0)) throw new TypeError(`expected limits.${name} to be a positive integer, got ${v}`);
  }
  const part = `${dest}.part`;
  const it = source[Symbol.asyncIterator]();
  let out: FileHandle | null = null;
  let sourceDone = false;
  let header: string[] | null = null;
  let headerChecked = false;
  let bytes = 0;
  const utf8 = new Utf8Check();
  const lines = new LineLengthCheck(MAX_ROW_BYTES);
  const parser = parse(READ_OPTIONS);
  parser.on('data', (record: string[]) => {
    header ??= record;
  });
  parser.on('error', () => {}); // each write's and the end's outcome is awaited below
  const dataRows = () => Math.max(0, parser.info.records - 1);
  try {
    await mkdir(path.dirname(dest), { recursive: true });
    out = await open(part, 'w');
    for (;;) {
      const next = await it.next();
      if (next.done) {
        sourceDone = true;
        break;
      }
      const chunk = next.value;
      // Not limitBytes (src/upstream/multipart.ts): its for-await ends the source at the limit, which destroys a
      // Readable, where the request must be read to its end for the client to get our answer.
      if (bytes + chunk.length > maxBytes) throw new BadUserInputError(`file is larger than ${maxBytes} bytes`);
      const bad = utf8.push(chunk, bytes);
      if (bad) throw notUtf8(bad);
      const longLineAt = lines.push(chunk, bytes);
      bytes += chunk.length;
      // Written before it is parsed: the messages that name a line read it back from the file.
      for (let done = 0; done < chunk.length;) done += (await out.write(chunk, done)).bytesWritten;
      if (longLineAt !== null) throw new BadUserInputError(`the row on line ${await lineAt(part, longLineAt)} is longer than ${MAX_ROW_BYTES} bytes`);
      await writeParser(parser, chunk).catch((err: unknown) => refuseParseError(err, part));
      // Records reach the 'data' listener a tick after write() parsed them; the header is checked as soon as it has.
      if (header !== null && !headerChecked) {
        checkHeader(header);
        headerChecked = true;
      }
      if (dataRows() > maxRows) throw new BadUserInputError(`file has more than ${maxRows} data rows`);
    }
    if (bytes === 0) throw new BadUserInputError('file is empty');
    const bad = utf8.end(bytes);
    if (bad) throw notUtf8(bad);
    await endParser(parser).catch((err: unknown) => refuseParseError(err, part));
    if (header === null) throw new BadUserInputError('file has no header row');
    if (!headerChecked) checkHeader(header);
    if (dataRows() > maxRows) throw new BadUserInputError(`file has more than ${maxRows} data rows`);
    const rows = dataRows();
    await out.close();
    const dataStart = await recordEnd(part, 1);
    await rename(part, dest);
    return { header: (header as string[]).map((h) => h.trim()), rows, bytes, dataStart };
  } catch (err) {
    if (!sourceDone) drain(it);
    parser.destroy();
    await out?.close().catch(() => {});
    await rm(part, { force: true });
    throw err;
  }
}

/** Refuses a header with an empty or repeated column name (names compared trimmed, as mappings name them). */
function checkHeader(raw: readonly string[]): void {
  const header = raw.map((h) => h.trim());
  const empty = header.indexOf('');
  if (empty >= 0) throw new BadUserInputError(`the file's header has an empty name for column ${empty + 1}`);
  const seen = new Map<string, number[]>();
  header.forEach((h, i) => seen.set(h, [...(seen.get(h) ?? []), i + 1]));
  const twice = [...seen].filter(([, at]) => at.length > 1);
  if (twice.length > 0) {
    const list = twice.map(([name, at]) => `'${name}' (columns ${at.slice(0, -1).join(', ')} and ${at.at(-1)})`).join(', ');
    throw new BadUserInputError(`the file's header repeats ${twice.length === 1 ? 'a column name' : 'column names'}: ${list}`);
  }
}

const notUtf8 = (bad: { offset: number; byte: number }) => new BadUserInputError(`file is not UTF-8: invalid byte 0x${bad.byte.toString(16).padStart(2, '0')} at offset ${bad.offset}`);

/** Turns csv-parse's refusals of a whole file into ours, naming the line where the unreadable row starts. */
async function refuseParseError(err: unknown, part: string): Promise<never> {
  const code = (err as CsvError).code;
  if (code !== 'CSV_QUOTE_NOT_CLOSED' && code !== 'CSV_MAX_RECORD_SIZE') throw err;
  // csv-parse's own `lines` counts CRLF twice inside quotes, so the line is counted here: the row starts after
  // the last record it finished (and any empty lines).
  const line = await lineAt(part, await recordEnd(part, (err as CsvError & Info).records));
  if (code === 'CSV_QUOTE_NOT_CLOSED') throw new BadUserInputError(`file ends inside a quoted field: the row on line ${line} has a quote that is never closed`, {}, { cause: err });
  throw new BadUserInputError(`the row on line ${line} is longer than ${MAX_ROW_BYTES} bytes`, {}, { cause: err });
}

/** Byte offset just after record `n` of the file (1 is the header), or 0 for n = 0. Reads only that far. */
async function recordEnd(file: string, n: number): Promise<number> {
  if (n === 0) return 0;
  const records = pipeline(createReadStream(file), parse({ ...READ_OPTIONS, info: true }), () => {});
  for await (const { info } of records as AsyncIterable<{ info: Info }>) {
    if (info.records === n) {
      records.destroy();
      return info.bytes;
    }
  }
  throw new Error(`expected ${file} to have ${n} records`);
}

/**
 * The 1-based line of the first byte at or after `offset` that is not a line end (CRLF, LF or CR counted
 * once each), read from the file: only on the way to a refusal, so it costs nothing otherwise.
 */
async function lineAt(file: string, offset: number): Promise<number> {
  let line = 1;
  let pos = 0;
  let prev = 0;
  for await (const chunk of createReadStream(file) as AsyncIterable<Buffer>) {
    for (const b of chunk) {
      if (pos >= offset && b !== 0x0a && b !== 0x0d) return line;
      if (b === 0x0d || (b === 0x0a && prev !== 0x0d)) line++;
      prev = b;
      pos++;
    }
  }
  return line;
}

/** Reads the rest of an iterator and drops it, so the request it reads from completes; its errors go nowhere. */
function drain(it: AsyncIterator<Buffer>): void {
  void (async () => {
    for (;;) if ((await it.next()).done) return;
  })().catch(() => {});
}

/**
 * UTF-8 over a stream of chunks with node's native check (no strings are made): a sequence cut by a chunk
 * boundary is carried to the next chunk. Finds the first invalid byte only once the check fails.
 */
class Utf8Check {
  private carry: Buffer = Buffer.alloc(0);

  /** The first invalid byte of `chunk` (which starts at file offset `offset`), or null. */
  push(chunk: Buffer, offset: number): { offset: number; byte: number } | null {
    const data = this.carry.length ? Buffer.concat([this.carry, chunk]) : chunk;
    const start = offset - this.carry.length;
    const cut = data.length - incompleteTail(data);
    if (isUtf8(data.subarray(0, cut))) {
      this.carry = Buffer.from(data.subarray(cut));
      return null;
    }
    const at = firstInvalidUtf8(data.subarray(0, cut));
    return { offset: start + at, byte: data[at]! };
  }

  /** At the end of the file (`size` bytes): a sequence left unfinished is invalid. */
  end(size: number): { offset: number; byte: number } | null {
    return this.carry.length ? { offset: size - this.carry.length, byte: this.carry[0]! } : null;
  }
}

/** How many bytes at the end of `buf` begin a UTF-8 sequence that the next chunk may finish (0 to 3). */
function incompleteTail(buf: Buffer): number {
  for (let back = 1; back <= Math.min(3, buf.length); back++) {
    const b = buf[buf.length - back]!;
    if (b >= 0x80 && b <= 0xbf) continue; // a continuation byte: look further back
    const need = b >= 0xf0 && b <= 0xf4 ? 4 : b >= 0xe0 && b <= 0xef ? 3 : b >= 0xc2 && b <= 0xdf ? 2 : 1;
    return need > back ? back : 0;
  }
  return 0;
}

/**
 * Index of the first byte of the first ill-formed sequence (the WHATWG decoder's rules: no overlongs, no
 * surrogates, nothing past U+10FFFF; a sequence cut short by the end is ill-formed), or -1.
 */
export function firstInvalidUtf8(buf: Uint8Array): number {
  let i = 0;
  while (i < buf.length) {
    const b = buf[i]!;
    if (b < 0x80) {
      i++;
      continue;
    }
    let need: number;
    let lower = 0x80;
    let upper = 0xbf;
    if (b >= 0xc2 && b <= 0xdf) need = 1;
    else if (b >= 0xe0 && b <= 0xef) {
      need = 2;
      if (b === 0xe0) lower = 0xa0;
      if (b === 0xed) upper = 0x9f;
    } else if (b >= 0xf0 && b <= 0xf4) {
      need = 3;
      if (b === 0xf0) lower = 0x90;
      if (b === 0xf4) upper = 0x8f;
    } else return i;
    for (let k = 1; k <= need; k++) {
      const c = buf[i + k];
      if (c === undefined || c < lower || c > upper) return i;
      lower = 0x80;
      upper = 0xbf;
    }
    i += need + 1;
  }
  return -1;
}

/**
 * Finds a physical line longer than `max` bytes, looking only at each chunk's first and last line end: a line
 * inside one chunk of at most `max` bytes cannot be longer. csv-parse's max_record_size counts field lengths,
 * so a line of nothing but commas (empty fields) would otherwise grow one record without bound.
 */
class LineLengthCheck {
  private current = 0;
  constructor(private readonly max: number) {}

  /** The file offset where a too-long line starts, or null. `chunk` starts at file offset `offset`. */
  push(chunk: Buffer, offset: number): number | null {
    for (let from = 0; from < chunk.length; from += this.max) {
      const part = chunk.subarray(from, from + this.max);
      const first = firstLineEnd(part);
      if (first < 0) {
        this.current += part.length;
        if (this.current > this.max) return offset + from + part.length - this.current;
        continue;
      }
      if (this.current + first > this.max) return offset + from - this.current;
      this.current = part.length - 1 - Math.max(part.lastIndexOf(0x0a), part.lastIndexOf(0x0d));
    }
    return null;
  }
}

function firstLineEnd(buf: Buffer): number {
  const lf = buf.indexOf(0x0a);
  const cr = buf.indexOf(0x0d);
  return lf < 0 ? cr : cr < 0 ? lf : Math.min(lf, cr);
}

export interface CsvRow {
  /** 1-based data row number (the header and empty lines not counted). */
  rowNumber: number;
  /** The row's fields as the file has them (as many as the row has). */
  values: string[];
  /** The cursor just after this row: reading from it yields the following rows. */
  next: ImportCursor;
  /** Why the row cannot be imported as it is (`row has 3 fields; the header has 4`), or null. */
  problem: string | null;
}

/**
 * Reads a file stored by storeCsvFile from `from` (the first data row is `{ row: 1, byte: dataStart }`): every
 * record from there on, numbered from `from.row`, each with the cursor after it. A row whose field count is
 * not `columns` comes with a `problem` instead of failing the read. Streams with backpressure: the file is
 * read as fast as the caller iterates. `opts.signal` ends the read with its abort error; leaving the loop
 * early closes the file.
 *
 * @throws the read's errors (a missing file, the abort); a CsvError only when the file was changed after it
 *   was stored (storeCsvFile refused everything else the parser can refuse).
 */
export async function* readCsvRows(file: string, from: ImportCursor, columns: number, opts: { signal?: AbortSignal } = {}): AsyncGenerator<CsvRow> {
  opts.signal?.throwIfAborted();
  const input = createReadStream(file, { start: from.byte, ...(opts.signal ? { signal: opts.signal } : {}) });
  // A BOM is only a BOM at the very start of the file: a row that begins with U+FEFF keeps it.
  const records = pipeline(input, parse({ ...READ_OPTIONS, bom: from.byte === 0, info: true }), () => {});
  let rowNumber = from.row;
  for await (const { record, info } of records as AsyncIterable<{ record: string[]; info: Info }>) {
    opts.signal?.throwIfAborted(); // rows the parser had read before the abort are not handed out
    const problem = record.length === columns ? null : `row has ${record.length} ${record.length === 1 ? 'field' : 'fields'}; the header has ${columns}`;
    yield { rowNumber, values: record, next: { row: rowNumber + 1, byte: from.byte + info.bytes }, problem };
    rowNumber++;
  }
}

/**
 * One CSV line for the files we write for people (error reports): every cell kept from running as a formula
 * (`spreadsheetSafe`), RFC 4180 quoting where needed, CRLF at the end.
 */
export const csvLine = (values: readonly string[]): string => `${values.map((v) => csvField(spreadsheetSafe(v))).join(',')}\r\n`;
