/**
 * CSV (RFC 4180) for contact uploads, lead imports and vendor error files, read by csv-parse (issue 18: a
 * maintained parser instead of our own): reading the header row off the front of a stream without holding
 * the rest, parsing small texts whole (error reports), and quoting fields for the CSVs we write.
 */
import { parse, type CsvError, type Options } from 'csv-parse';
import { parse as parseSync } from 'csv-parse/sync';
import { BadUserInputError } from './errors';

/**
 * How every CSV is read here, so one file has the same rows wherever it is read:
 * - RFC 4180 quoting (`"a ""b"", c"`, line breaks inside quotes); a quote inside an unquoted field, or text
 *   after a closing quote, is kept as written (`relax_quotes`: spreadsheets write `12" pipe` unquoted, and one
 *   stray quote must not cost the whole file);
 * - CRLF, LF and CR all end a record, even mixed in one file (without the list csv-parse takes the first one it
 *   meets and reads the others as data);
 * - a leading UTF-8 BOM is dropped;
 * - a record may have any number of fields: comparing with the header is the caller's business.
 */
export const CSV_PARSE_OPTIONS = {
  bom: true,
  relax_quotes: true,
  relax_column_count: true,
  record_delimiter: ['\r\n', '\n', '\r'],
} as const satisfies Options;

/**
 * Parses CSV text into records (see CSV_PARSE_OPTIONS), as leniently as the hand-written parser before it: an
 * empty line is a record with one empty field (the error-file reader drops blank rows itself), and a quote that
 * is never closed takes the rest of the text as its field (a vendor's error report is still worth showing).
 */
export function parseCsv(text: string): string[][] {
  try {
    return parseSync(text, CSV_PARSE_OPTIONS) as string[][];
  } catch (err) {
    if ((err as CsvError).code !== 'CSV_QUOTE_NOT_CLOSED') throw err;
    // Closing the quote at the end gives that field the rest of the text, and leaves the records before it as they are.
    return parseSync(`${text}"`, CSV_PARSE_OPTIONS) as string[][];
  }
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
 * Empty lines before the header are skipped.
 *
 * @throws BadUserInputError "`field` is empty" (nothing but whitespace), "`field` has no header row in its
 *   first N bytes", or "`field` ends inside a quoted field in its header row".
 */
export async function peekCsvHeader(source: AsyncIterable<Buffer>, maxHeaderBytes = 65_536, field = 'file'): Promise<PeekedCsv> {
  const it = source[Symbol.asyncIterator]();
  const head: Buffer[] = [];
  let size = 0;
  let blank = true;
  let header: string[] | null = null;
  // on_record runs inside write(), so the header is known as soon as the chunk that ends it is written; it
  // returns null so that nothing queues on the parser's readable side.
  const parser = parse({
    ...CSV_PARSE_OPTIONS,
    skip_empty_lines: true,
    on_record: (record: string[]) => {
      header ??= record;
      return null;
    },
  });
  parser.on('error', () => {}); // each write's and the end's outcome is awaited below
  const refuseUnclosed = (err: unknown) => {
    if ((err as CsvError).code === 'CSV_QUOTE_NOT_CLOSED') throw new BadUserInputError(`${field} ends inside a quoted field in its header row`, {}, { cause: err });
    throw err;
  };
  try {
    while (header === null) {
      const next = await it.next();
      if (next.done) {
        if (blank) throw new BadUserInputError(`${field} is empty`);
        await endParser(parser).catch(refuseUnclosed);
        header ??= [];
        break;
      }
      head.push(next.value);
      size += next.value.length;
      // `\s` covers the BOM (U+FEFF), as `trim()` did before.
      if (blank && /\S/.test(next.value.toString('utf8'))) blank = false;
      await writeParser(parser, next.value).catch(refuseUnclosed);
      if (header === null && size > maxHeaderBytes) throw new BadUserInputError(`${field} has no header row in its first ${maxHeaderBytes} bytes`);
    }
  } finally {
    parser.destroy();
  }
  async function* whole(): AsyncGenerator<Buffer> {
    yield* head;
    for (;;) {
      const next = await it.next();
      if (next.done) return;
      yield next.value;
    }
  }
  return { header: (header as string[]).map((h) => h.trim()), body: whole() };
}

/** Writes one chunk to a csv-parse stream; rejects with the parser's error (a CsvError) for that chunk. */
export const writeParser = (parser: NodeJS.WritableStream, chunk: Buffer) =>
  new Promise<void>((resolve, reject) => {
    parser.write(chunk, (err) => (err ? reject(err) : resolve()));
  });

/** Ends a csv-parse stream: resolves once its last record is out, or rejects with the error found at the end (an unclosed quote). */
export function endParser(parser: NodeJS.ReadWriteStream): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    parser.once('end', resolve);
    parser.once('error', reject);
    parser.resume();
    parser.end();
  });
}

/**
 * A cell a spreadsheet will not run as a formula, for the CSV files the gateway writes for people to open: one that
 * starts with `=`, `+`, `-`, `@`, a tab or a CR gets a leading `'` (OWASP, "CSV Injection"), unless it holds only a
 * number or a phone number (`+14155550100`, `-3`, `+1 (415) 555-0100`), which no spreadsheet runs and which a
 * re-import needs unchanged.
 */
export const spreadsheetSafe = (v: string): string => (/^[=+\-@\t\r]/.test(v) && !/^[+-]?[\d\s().-]+$/.test(v) ? `'${v}` : v);

/** Quotes one CSV field when it needs it (RFC 4180: a quote, comma, CR or LF). */
export const csvField = (v: string) => (/[",\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);
