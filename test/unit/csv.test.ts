/**
 * src/csv.ts on csv-parse (issue 18): parseCsv over the RFC 4180 cases, peekCsvHeader's header and
 * byte-for-byte body, its refusals with their exact messages, and csvField's quoting.
 */
import { csvField, parseCsv, peekCsvHeader } from '../../src/csv';

async function* chunks(...parts: Array<string | Buffer>): AsyncGenerator<Buffer> {
  for (const p of parts) yield Buffer.isBuffer(p) ? p : Buffer.from(p, 'utf8');
}

async function collect(body: AsyncIterable<Buffer>): Promise<Buffer> {
  const out: Buffer[] = [];
  for await (const c of body) out.push(c);
  return Buffer.concat(out);
}

describe('parseCsv', () => {
  it.each<[string, string, string[][]]>([
    [
      'plain LF',
      'a,b\n1,2\n',
      [
        ['a', 'b'],
        ['1', '2'],
      ],
    ],
    [
      'CRLF',
      'a,b\r\n1,2\r\n',
      [
        ['a', 'b'],
        ['1', '2'],
      ],
    ],
    [
      'CR',
      'a,b\r1,2\r',
      [
        ['a', 'b'],
        ['1', '2'],
      ],
    ],
    [
      'mixed line ends',
      'a,b\r\n1,2\n3,4\r5,6',
      [
        ['a', 'b'],
        ['1', '2'],
        ['3', '4'],
        ['5', '6'],
      ],
    ],
    [
      'last line without a line end',
      'a,b\n1,2',
      [
        ['a', 'b'],
        ['1', '2'],
      ],
    ],
    ['quoted fields with commas and doubled quotes', '"x,1","say ""hi"""\n', [['x,1', 'say "hi"']]],
    ['CR, LF and CRLF inside quotes', '"a\rb","c\nd","e\r\nf"\n', [['a\rb', 'c\nd', 'e\r\nf']]],
    [
      'empty fields',
      ',,\n"",x,\n',
      [
        ['', '', ''],
        ['', 'x', ''],
      ],
    ],
    [
      'a BOM is dropped',
      '\uFEFFa,b\n1,2',
      [
        ['a', 'b'],
        ['1', '2'],
      ],
    ],
    ['multi-byte UTF-8', 'ä,"€\n😀"\n', [['ä', '€\n😀']]],
    ['an empty line is one empty field', 'a\n\nb\n', [['a'], [''], ['b']]],
    ['a stray quote is kept as written', 'a"b,"c"d\n', [['a"b', '"c"d']]],
    ['no text', '', []],
  ])('%s', (_name, text, rows) => {
    expect(parseCsv(text)).toEqual(rows);
  });

  it.each<[string, string, string[][]]>([
    ['at the end', 'a,b\n"x,1\n', [['a', 'b'], ['x,1\n']]],
    ['after a doubled quote', 'a,"b""', [['a', 'b"']]],
    ['across lines', 'a\n1,"2\n3,4\r\n', [['a'], ['1', '2\n3,4\r\n']]],
  ])('a quote never closed takes the rest of the text (%s), as before csv-parse', (_name, text, rows) => {
    expect(parseCsv(text)).toEqual(rows);
  });
});

describe('peekCsvHeader', () => {
  it.each<[string, Array<string | Buffer>, string[]]>([
    ['one chunk', ['name,phone\n1,2\n'], ['name', 'phone']],
    ['names trimmed', [' name , phone\r\n1,2\r\n'], ['name', 'phone']],
    ['BOM and CRLF split across chunks', [Buffer.from([0xef, 0xbb]), Buffer.from([0xbf]), 'name,phone\r', '\n1,2'], ['name', 'phone']],
    ['a quoted header with a line break, cut mid-quote', ['"first\n', 'name",phone\n1,2'], ['first\nname', 'phone']],
    ['no line end at all', ['name,phone'], ['name', 'phone']],
    ['empty lines before the header', ['\r\n\nname,phone\n'], ['name', 'phone']],
    ['multi-byte character cut by a chunk boundary', [Buffer.from('nä', 'utf8').subarray(0, 2), Buffer.from('nä,b\n', 'utf8').subarray(2)], ['nä', 'b']],
  ])('%s', async (_name, parts, header) => {
    const peeked = await peekCsvHeader(chunks(...parts));
    expect(peeked.header).toEqual(header);
    expect(await collect(peeked.body)).toEqual(Buffer.concat(parts.map((p) => (Buffer.isBuffer(p) ? p : Buffer.from(p, 'utf8')))));
  });

  it('reads no further than the chunk that ends the header', async () => {
    const read: string[] = [];
    async function* source() {
      // csv-parse looks two bytes past a line end before it ends the record (a CR may be half a CRLF).
      for (const p of ['name,', 'phone\n1,', '2\n', '3,4\n']) {
        read.push(p);
        yield Buffer.from(p);
      }
    }
    const peeked = await peekCsvHeader(source());
    expect(peeked.header).toEqual(['name', 'phone']);
    expect(read).toEqual(['name,', 'phone\n1,']);
    expect((await collect(peeked.body)).toString()).toBe('name,phone\n1,2\n3,4\n');
  });

  it.each<[string, Array<string | Buffer>, string]>([
    ['empty', [], 'upload is empty'],
    ['a BOM and spaces only', ['\uFEFF ', '  '], 'upload is empty'],
    ['no line end within the limit', ['a'.repeat(40), 'b'.repeat(40)], 'upload has no header row in its first 64 bytes'],
    ['an unclosed quote in the header', ['"name,phone\n1,2\n'], 'upload ends inside a quoted field in its header row'],
  ])('refuses %s', async (_name, parts, message) => {
    await expect(peekCsvHeader(chunks(...parts), 64, 'upload')).rejects.toMatchObject({ code: 'BAD_USER_INPUT', message });
  });
});

describe('csvField', () => {
  it.each([
    ['plain', 'plain'],
    ['a,b', '"a,b"'],
    ['say "hi"', '"say ""hi"""'],
    ['line\nbreak', '"line\nbreak"'],
    ['cr\r', '"cr\r"'],
    ['', ''],
    ['ä €', 'ä €'],
  ])('%j -> %j', (value, quoted) => {
    expect(csvField(value)).toBe(quoted);
    expect(parseCsv(`${quoted}\n`)).toEqual([[value]]);
  });
});
