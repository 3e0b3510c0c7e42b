/** RFC 4180 CSV reading and writing for contact uploads and their error files. */

/**
 * Parses CSV text (RFC 4180): `,` separators, fields optionally in double quotes, `""` for a quote inside a quoted
 * field, quoted fields may span lines, records end with CRLF or LF (a lone CR too), a leading BOM is dropped.
 *
 * OUR ASSUMPTIONS where RFC 4180 or the doc are silent, chosen to be lenient like common spreadsheet exports:
 * - completely empty lines are skipped and are not records (so they do not count as data rows);
 * - a quote in the middle of an unquoted field is kept literally, and text after a closing quote is appended;
 * - the only syntax error is a quoted field left open at the end of the text.
 */
export function parseCsv(input: string): { records: string[][] } | { error: string } {
  const text = input.charCodeAt(0) === 0xfeff ? input.slice(1) : input;
  const records: string[][] = [];
  let record: string[] = [];
  let field = '';
  let fieldStart = true; // nothing of the current field read yet
  let wasQuoted = false; // the current field began with a quote
  let inQuotes = false;
  let line = 1;
  let quoteLine = 0;
  const endField = () => {
    record.push(field);
    field = '';
    fieldStart = true;
    wasQuoted = false;
  };
  const endRecord = () => {
    // A completely empty line: one empty, unquoted field and nothing else.
    if (record.length === 0 && field === '' && !wasQuoted) return;
    endField();
    records.push(record);
    record = [];
  };
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (inQuotes) {
      if (ch === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i++;
        } else {
          inQuotes = false;
        }
      } else {
        if (ch === '\n') line++;
        field += ch;
      }
      continue;
    }
    if (ch === '"' && fieldStart) {
      inQuotes = true;
      wasQuoted = true;
      fieldStart = false;
      quoteLine = line;
    } else if (ch === ',') {
      endField();
    } else if (ch === '\r' || ch === '\n') {
      if (ch === '\r' && text[i + 1] === '\n') i++;
      line++;
      endRecord();
    } else {
      field += ch;
      fieldStart = false;
    }
  }
  if (inQuotes) return { error: `unterminated quoted field starting on line ${quoteLine}` };
  endRecord();
  return { records };
}

/** One CSV line without its line end: fields containing `,`, `"`, CR or LF are quoted, quotes doubled. */
export function formatCsvLine(values: readonly string[]): string {
  return values.map((v) => (/[",\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v)).join(',');
}
