/**
 * The lead import's CSV file (issue 18): storeCsvFile's checks, each refusal with its exact message and no
 * file left behind, the limits at their edges, readCsvRows over the RFC 4180 cases, resuming from every
 * row's cursor, field-count problems, and a large file stored and read back in bounded memory. Real files
 * in a temp directory.
 */
import { execFile } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { promisify } from 'node:util';
import { build } from 'esbuild';
import { parseCsv } from '../../src/csv';
import { csvLine, firstInvalidUtf8, MAX_ROW_BYTES, readCsvRows, storeCsvFile, type CsvRow, type StoredCsv } from '../../src/imports/csvFile';
import type { ImportCursor } from '../../src/imports/store';

let dir: string;
let n = 0;
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'switchboard-csvfile-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

const LIMITS = { maxBytes: 10_000_000, maxRows: 100_000 };

/**
 * A source that yields `parts` and says how it ended: read to the end, or given up by its reader. With `gateAt`,
 * part `gateAt` waits until `open()` is called.
 */
function source(parts: ReadonlyArray<string | Buffer>, gateAt = Infinity) {
  const read: number[] = [];
  let ended!: (how: 'read to the end' | 'given up') => void;
  const end = new Promise<'read to the end' | 'given up'>((resolve) => (ended = resolve));
  let open!: () => void;
  const gate = new Promise<void>((resolve) => (open = resolve));
  async function* gen(): AsyncGenerator<Buffer> {
    let completed = false;
    try {
      for (let i = 0; i < parts.length; i++) {
        if (i === gateAt) await gate;
        read.push(i);
        const p = parts[i]!;
        yield Buffer.isBuffer(p) ? p : Buffer.from(p, 'utf8');
      }
      completed = true;
    } finally {
      ended(completed ? 'read to the end' : 'given up');
    }
  }
  return { chunks: gen(), read, end, open };
}

/** A fresh destination in its own (not yet existing) directory. */
const destination = () => path.join(dir, `job${++n}`, 'leads.csv');

async function store(content: string | Buffer | ReadonlyArray<string | Buffer>, limits = LIMITS) {
  const dest = destination();
  const src = source(typeof content === 'string' || Buffer.isBuffer(content) ? [content] : content);
  const stored = await storeCsvFile(src.chunks, dest, limits);
  return { dest, stored };
}

async function rows(file: string, from: ImportCursor, columns: number): Promise<CsvRow[]> {
  const out: CsvRow[] = [];
  for await (const row of readCsvRows(file, from, columns)) out.push(row);
  return out;
}

/** The refusal `content` meets, with the proof that nothing is left on disk and the source was read to its end. */
async function refusal(content: ReadonlyArray<string | Buffer>, limits = LIMITS): Promise<{ code: unknown; message: string; left: string[]; source: string }> {
  const dest = destination();
  const src = source(content);
  const err = await storeCsvFile(src.chunks, dest, limits).then(
    () => {
      throw new Error('expected a refusal');
    },
    (e: { code: unknown; message: string }) => e,
  );
  return { code: err.code, message: err.message, left: await readdir(path.dirname(dest)), source: await src.end };
}

describe('storeCsvFile and readCsvRows: RFC 4180', () => {
  it.each<[string, string, string[], string[][]]>([
    [
      'LF line ends',
      'name,phone\n"Ann",1\nBob,2\n',
      ['name', 'phone'],
      [
        ['Ann', '1'],
        ['Bob', '2'],
      ],
    ],
    [
      'CRLF line ends',
      'name,phone\r\nAnn,1\r\nBob,2\r\n',
      ['name', 'phone'],
      [
        ['Ann', '1'],
        ['Bob', '2'],
      ],
    ],
    [
      'CR line ends',
      'name,phone\rAnn,1\rBob,2',
      ['name', 'phone'],
      [
        ['Ann', '1'],
        ['Bob', '2'],
      ],
    ],
    [
      'mixed line ends',
      'name,phone\r\nAnn,1\nBob,2\rCy,3',
      ['name', 'phone'],
      [
        ['Ann', '1'],
        ['Bob', '2'],
        ['Cy', '3'],
      ],
    ],
    [
      'last line without a line end',
      'name,phone\nAnn,1\nBob,2',
      ['name', 'phone'],
      [
        ['Ann', '1'],
        ['Bob', '2'],
      ],
    ],
    ['quoted fields, doubled quotes, commas inside quotes', 'name,note\n"Ann","say ""hi"", then go"\n', ['name', 'note'], [['Ann', 'say "hi", then go']]],
    ['CR, LF and CRLF inside quotes', 'a,b,c\r\n"1\r2","3\n4","5\r\n6"\r\n', ['a', 'b', 'c'], [['1\r2', '3\n4', '5\r\n6']]],
    [
      'empty fields',
      'a,b,c\n,,\n"",x,\n',
      ['a', 'b', 'c'],
      [
        ['', '', ''],
        ['', 'x', ''],
      ],
    ],
    ['a BOM', '\uFEFFname,phone\r\nAnn,1\r\n', ['name', 'phone'], [['Ann', '1']]],
    ['multi-byte UTF-8', 'nämé,€\n"Zoë\n😀",¥\n', ['nämé', '€'], [['Zoë\n😀', '¥']]],
    [
      'empty lines skipped and not counted',
      '\n\r\nname,phone\n\nAnn,1\r\n\r\n\nBob,2\n\n',
      ['name', 'phone'],
      [
        ['Ann', '1'],
        ['Bob', '2'],
      ],
    ],
    ['header names trimmed', ' name ,phone\nAnn,1\n', ['name', 'phone'], [['Ann', '1']]],
    ['a header and no data rows', 'name,phone\n', ['name', 'phone'], []],
    ['a stray quote kept as written', 'name,size\nPipe,12" wide\n', ['name', 'size'], [['Pipe', '12" wide']]],
  ])('%s', async (_name, text, header, values) => {
    const { dest, stored } = await store(text);
    expect(stored).toEqual<StoredCsv>({ header, rows: values.length, bytes: Buffer.byteLength(text), dataStart: stored.dataStart });
    expect(await readFile(dest)).toEqual(Buffer.from(text));
    expect(await readdir(path.dirname(dest))).toEqual(['leads.csv']);
    const read = await rows(dest, { row: 1, byte: stored.dataStart }, header.length);
    expect(read.map((r) => r.values)).toEqual(values);
    expect(read.map((r) => r.rowNumber)).toEqual(values.map((_, i) => i + 1));
    expect(read.map((r) => r.problem)).toEqual(values.map(() => null));
  });

  it('dataStart and every cursor are byte offsets (after the BOM, the header and its line end), not character offsets', async () => {
    const text = '\uFEFFnäme,€\r\n"Zoë\n😀",¥\r\n\r\nÅsa,"x"\n';
    const { dest, stored } = await store(text);
    const bytes = Buffer.from(text);
    expect(stored.dataStart).toBe(Buffer.byteLength('\uFEFFnäme,€\r\n'));
    const read = await rows(dest, { row: 1, byte: stored.dataStart }, 2);
    expect(read.map((r) => r.next)).toEqual([
      { row: 2, byte: Buffer.byteLength('\uFEFFnäme,€\r\n"Zoë\n😀",¥\r\n') },
      { row: 3, byte: bytes.length },
    ]);
    expect(bytes.subarray(read[0]!.next.byte).toString()).toBe('\r\nÅsa,"x"\n');
  });

  it('resuming from any row’s cursor yields exactly the rows after it', async () => {
    const text = [
      '\uFEFFid,name,note\r\n',
      '1,Zoë,"line one\r\nline two"\r\n',
      '\r\n',
      '2,"Ünal, K.","say ""hi"""\n',
      '3,😀,\n',
      '\n\n',
      '4,"a\nb\rc",€€€\r',
      '5,short\n',
      '6,"",""\r\n',
      '7,last,"no line end"',
    ].join('');
    const { dest, stored } = await store(text);
    expect(stored.rows).toBe(7);
    const all = await rows(dest, { row: 1, byte: stored.dataStart }, 3);
    expect(all.map((r) => r.values[0])).toEqual(['1', '2', '3', '4', '5', '6', '7']);
    expect(all.map((r) => r.problem)).toEqual([null, null, null, null, 'row has 2 fields; the header has 3', null, null]);
    for (let i = 0; i < all.length; i++) {
      expect(await rows(dest, all[i]!.next, 3)).toEqual(all.slice(i + 1));
    }
    expect(all.at(-1)!.next).toEqual({ row: 8, byte: Buffer.byteLength(text) });
  });

  it('a row with another field count than the header comes with its problem, and the rows after it are read as usual', async () => {
    const { dest, stored } = await store('a,b,c\n1,2\n1,2,3,4\n1\n1,2,3\n');
    expect(stored.rows).toBe(4);
    expect((await rows(dest, { row: 1, byte: stored.dataStart }, 3)).map((r) => [r.rowNumber, r.values, r.problem])).toEqual([
      [1, ['1', '2'], 'row has 2 fields; the header has 3'],
      [2, ['1', '2', '3', '4'], 'row has 4 fields; the header has 3'],
      [3, ['1'], 'row has 1 field; the header has 3'],
      [4, ['1', '2', '3'], null],
    ]);
  });

  it('chunks cut anywhere (inside a CRLF, a quote pair, a multi-byte character) change nothing', async () => {
    const text = '\uFEFFname,note\r\n"Zoë","say ""hi"""\r\n€,"a\r\nb"\r\n';
    const bytes = Buffer.from(text);
    const whole = await store(text);
    const wholeRows = await rows(whole.dest, { row: 1, byte: whole.stored.dataStart }, 2);
    for (let cut = 1; cut < bytes.length; cut++) {
      const { dest, stored } = await store([bytes.subarray(0, cut), bytes.subarray(cut)]);
      expect(stored).toEqual(whole.stored);
      expect(await rows(dest, { row: 1, byte: stored.dataStart }, 2)).toEqual(wholeRows);
    }
  });

  it('stops at the abort signal', async () => {
    const { dest, stored } = await store('a\n1\n2\n3\n');
    const controller = new AbortController();
    const seen: number[] = [];
    await expect(
      (async () => {
        for await (const row of readCsvRows(dest, { row: 1, byte: stored.dataStart }, 1, { signal: controller.signal })) {
          seen.push(row.rowNumber);
          controller.abort();
        }
      })(),
    ).rejects.toMatchObject({ name: 'AbortError' });
    expect(seen).toEqual([1]);
    const aborted = AbortSignal.abort();
    await expect(readCsvRows(dest, { row: 1, byte: stored.dataStart }, 1, { signal: aborted }).next()).rejects.toMatchObject({ name: 'AbortError' });
  });
});

describe('storeCsvFile refuses', () => {
  const cr = (s: string) => Buffer.from(s, 'latin1');
  it.each<[string, Array<string | Buffer>, string]>([
    ['an empty file', [], 'file is empty'],
    ['an empty file in empty chunks', ['', ''], 'file is empty'],
    ['a file of empty lines', ['\r\n\n', '\r'], 'file has no header row'],
    ['a BOM alone', ['\uFEFF'], 'file has no header row'],
    ['an empty column name', ['name,,phone\n1,2,3\n'], "the file's header has an empty name for column 2"],
    ['a blank column name', ['  ,phone\n'], "the file's header has an empty name for column 1"],
    ['a trailing comma in the header', ['name,phone,\r\n'], "the file's header has an empty name for column 3"],
    ['a repeated column name', ['phone,name,phone\n1,2,3\n'], "the file's header repeats a column name: 'phone' (columns 1 and 3)"],
    ['names repeated once trimmed', ['phone, phone\n'], "the file's header repeats a column name: 'phone' (columns 1 and 2)"],
    ['several repeated column names', ['a,b,a,c,b,a\n'], "the file's header repeats column names: 'a' (columns 1, 3 and 6), 'b' (columns 2 and 5)"],
    ['Latin-1 text', [cr('name\ncaf\xe9\n')], 'file is not UTF-8: invalid byte 0xe9 at offset 8'],
    ['a byte that is never UTF-8', ['name\n', Buffer.from([0x61, 0xff])], 'file is not UTF-8: invalid byte 0xff at offset 6'],
    ['an overlong encoding', [Buffer.from([0x61, 0x0a, 0xc0, 0xaf])], 'file is not UTF-8: invalid byte 0xc0 at offset 2'],
    ['an encoded surrogate', [Buffer.from([0x61, 0x0a, 0xed, 0xa0, 0x80])], 'file is not UTF-8: invalid byte 0xed at offset 2'],
    ['a sequence broken across chunks', ['name\n', Buffer.from([0x61, 0xe2, 0x82]), 'x\n'], 'file is not UTF-8: invalid byte 0xe2 at offset 6'],
    ['a sequence cut off by the end', ['name\n', Buffer.from([0x61, 0xf0, 0x9f, 0x98])], 'file is not UTF-8: invalid byte 0xf0 at offset 6'],
    ['an unclosed quote', ['a,b\n1,2\r\n\r\n3,"x\r\ny\n', '4,5\n'], 'file ends inside a quoted field: the row on line 4 has a quote that is never closed'],
    ['an unclosed quote after quoted line breaks', ['a,b\n"1\r\n2",3\n\n\n4,"x\n'], 'file ends inside a quoted field: the row on line 6 has a quote that is never closed'],
    ['an unclosed quote in the header', ['"a,b\n1,2\n'], 'file ends inside a quoted field: the row on line 1 has a quote that is never closed'],
    ['a line longer than MAX_ROW_BYTES', ['a,b\n1,2\n\n', ','.repeat(MAX_ROW_BYTES / 2), ','.repeat(MAX_ROW_BYTES / 2 + 1), '\n'], `the row on line 4 is longer than ${MAX_ROW_BYTES} bytes`],
    ['a quoted field longer than MAX_ROW_BYTES', ['a,b\n1,2\n\n3,"', 'x\n'.repeat(MAX_ROW_BYTES / 2 + 1), '"\n'], `the row on line 4 is longer than ${MAX_ROW_BYTES} bytes`],
  ])('%s', async (_name, content, message) => {
    expect(await refusal(content)).toEqual({ code: 'BAD_USER_INPUT', message, left: [], source: 'read to the end' });
  });

  it('a file larger than maxBytes, and passes one of exactly maxBytes', async () => {
    const text = 'name\nAnn\nBob\n';
    const size = Buffer.byteLength(text);
    expect((await store([text.slice(0, 5), text.slice(5)], { maxBytes: size, maxRows: 10 })).stored.bytes).toBe(size);
    expect(await refusal([text.slice(0, 5), text.slice(5)], { maxBytes: size - 1, maxRows: 10 })).toEqual({
      code: 'BAD_USER_INPUT',
      message: `file is larger than ${size - 1} bytes`,
      left: [],
      source: 'read to the end',
    });
  });

  it('more than maxRows data rows, and passes exactly maxRows (the header and empty lines not counted)', async () => {
    const text = 'name\r\n\r\nAnn\r\n\r\nBob\r\nCy\r\n\r\n';
    expect((await store(text, { maxBytes: 1000, maxRows: 3 })).stored.rows).toBe(3);
    expect(await refusal([text], { maxBytes: 1000, maxRows: 2 })).toEqual({ code: 'BAD_USER_INPUT', message: 'file has more than 2 data rows', left: [], source: 'read to the end' });
  });

  it('stops reading when a limit is passed or the header is refused, and drains the rest of the source', async () => {
    const chunk = 'x\n'.repeat(1000);
    for (const [parts, limits, message] of [
      [['name\n', ...Array<string>(50).fill(chunk)], { maxBytes: 5 + 3 * chunk.length, maxRows: 1_000_000 }, `file is larger than ${5 + 3 * chunk.length} bytes`],
      [['name\n', ...Array<string>(50).fill(chunk)], { maxBytes: 1_000_000, maxRows: 2500 }, 'file has more than 2500 data rows'],
      [['name,name\n', ...Array<string>(50).fill(chunk)], LIMITS, "the file's header repeats a column name: 'name' (columns 1 and 2)"],
    ] as const) {
      // Part 10 waits for the gate, which opens only after the refusal: a store that read on would never settle.
      const src = source(parts, 10);
      await expect(storeCsvFile(src.chunks, destination(), limits)).rejects.toMatchObject({ code: 'BAD_USER_INPUT', message });
      expect(src.read.length).toBeLessThanOrEqual(10);
      src.open();
      expect(await src.end).toBe('read to the end');
      expect(src.read.length).toBe(parts.length);
    }
  });

  it('drains a Readable source after a refusal, so a writer held by backpressure finishes', async () => {
    // As an HTTP upload: the writer waits for 'drain', which only comes while the store (then the drain) reads.
    const body = new PassThrough({ highWaterMark: 16 * 1024 });
    const writer = (async () => {
      body.write('name\n');
      for (let i = 0; i < 100; i++) if (!body.write(Buffer.alloc(64 * 1024, 'x\n'))) await once(body, 'drain');
      body.end();
      return 'all written';
    })();
    const dest = destination();
    await expect(storeCsvFile(body, dest, { maxBytes: 1024 * 1024, maxRows: 1_000_000 })).rejects.toMatchObject({ message: 'file is larger than 1048576 bytes' });
    expect(await writer).toBe('all written');
    expect(await readdir(path.dirname(dest))).toEqual([]);
  });

  it("passes the source's own error on, and leaves no file", async () => {
    async function* failing(): AsyncGenerator<Buffer> {
      yield Buffer.from('name\nAnn\n');
      throw new Error('client went away');
    }
    const dest = destination();
    await expect(storeCsvFile(failing(), dest, LIMITS)).rejects.toThrow(/^client went away$/);
    expect(await readdir(path.dirname(dest))).toEqual([]);
  });

  it('limits that are not positive integers', async () => {
    await expect(storeCsvFile(source(['a\n']).chunks, destination(), { maxBytes: 0, maxRows: 1 })).rejects.toThrow(new TypeError('expected limits.maxBytes to be a positive integer, got 0'));
    await expect(storeCsvFile(source(['a\n']).chunks, destination(), { maxBytes: 1, maxRows: 1.5 })).rejects.toThrow(new TypeError('expected limits.maxRows to be a positive integer, got 1.5'));
  });
});

describe('firstInvalidUtf8', () => {
  it.each<[number[], number]>([
    [[0x61, 0x62], -1],
    [[0xc3, 0xa4, 0xe2, 0x82, 0xac, 0xf0, 0x9f, 0x98, 0x80], -1],
    [[0x61, 0x80], 1],
    [[0xc1, 0xbf], 0],
    [[0xe0, 0x9f, 0x80], 0],
    [[0xf4, 0x90, 0x80, 0x80], 0],
    [[0xf5], 0],
    [[0x61, 0xe2, 0x82], 1],
  ])('%j -> %d', (bytes, at) => {
    const buf = Buffer.from(bytes);
    expect(firstInvalidUtf8(buf)).toBe(at);
    // The same verdict as the WHATWG decoder.
    let decodes = true;
    try {
      new TextDecoder('utf-8', { fatal: true }).decode(buf);
    } catch {
      decodes = false;
    }
    expect(decodes).toBe(at === -1);
  });
});

describe('csvLine', () => {
  it('quotes what needs quoting and ends with CRLF; csv-parse reads it back', () => {
    const values = ['plain', 'a,b', 'say "hi"', 'two\nlines', 'cr\r', '', 'Zoë €'];
    expect(csvLine(values)).toBe('plain,"a,b","say ""hi""","two\nlines","cr\r",,Zoë €\r\n');
    expect(parseCsv(csvLine(values) + csvLine(['x']))).toEqual([values, ['x']]);
  });

  // OWASP "CSV Injection": what a spreadsheet would run gets a leading ', numbers and phone numbers stay as they are.
  it.each([
    ['=1+2', "'=1+2"],
    ["=cmd|' /C calc'!A0", "'=cmd|' /C calc'!A0"],
    ['@SUM(A1:A9)', "'@SUM(A1:A9)"],
    ['+cmd|x', "'+cmd|x"],
    ['-2+3+cmd|x', "'-2+3+cmd|x"],
    ['\t=1', "'\t=1"],
    ['+14155550100', '+14155550100'],
    ['+1 (415) 555-0100', '+1 (415) 555-0100'],
    ['-3', '-3'],
    ['a=1', 'a=1'],
    ['', ''],
  ])('keeps %j from running as a formula: %j', (value, cell) => {
    expect(parseCsv(csvLine([value]))).toEqual([[cell]]);
  });
});

describe('a large file', () => {
  // In a process of its own: a jest worker's RSS holds what other test files left behind, and csv-parse runs
  // about five times slower inside jest's module sandbox than in node (measured: 3 MB/s against 15).
  // The bound is a constraint, not a reading: the child's V8 heap is capped at 40 MiB, so a reader that held the file
  // (or its rows) would die of it. RSS beside other test files' CPU load moved by tens of MB with GC timing (CI saw
  // 100.3 MiB once), so it is reported by the child but not asserted here; bench:imports measures it alone.
  it('of 50 MiB is stored and read back row by row within a 40 MiB V8 heap', async () => {
    const bundle = path.join(dir, 'csvLargeFile.cjs');
    await build({ entryPoints: [path.join(__dirname, '../support/csvLargeFile.ts')], bundle: true, platform: 'node', format: 'cjs', outfile: bundle, logLevel: 'silent' });
    const { stdout } = await promisify(execFile)(process.execPath, ['--max-old-space-size=40', bundle, dir, '50'], { maxBuffer: 1024 * 1024 });
    const run = JSON.parse(stdout) as Record<string, number | null | { row: number; byte: number }>;
    expect(run).toMatchObject({ stored: run['generated'], read: run['generated'], bad: null, lastNext: { row: (run['generated'] as number) + 1, byte: run['bytes'] } });
    expect(run['bytes']).toBeGreaterThanOrEqual(50 * 1024 * 1024);
  }, 60_000);
});
