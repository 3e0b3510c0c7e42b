/** The Ameyo simulator's CMS contact upload (multipart, CSV, task ids beyond 2^53) and its error file. */
import { createHash } from 'node:crypto';
import { AMEYO_SIM_DEFAULTS, CONTACT_UPLOAD_FIELDS, parseCsv, startAmeyoSim, type AmeyoSim } from '../../sim/ameyo';

const basic = (username: string, password: string) => `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`;
const AUTH = basic(AMEYO_SIM_DEFAULTS.username, AMEYO_SIM_DEFAULTS.password);
const UPLOAD = '/v1/cc-list/1/process-list/389/leads/17/contact-upload-tasks';
const errorFile = (taskId: string, prefix = '/v1', process = 389, lead = 17) => `${prefix}/cc-list/1/process-list/${process}/leads/${lead}/contact-upload-tasks/${taskId}/error-file`;

const NOT_FOUND = { statusCode: 404, status: 'Not Found', errorCode: 'CONF-1004', errorMessage: "Object doesn't exist." };
const UNAUTHORIZED = { statusCode: 401, status: 'Unauthorized', errorCode: 'CONF-1002', errorMessage: 'Authentication token is missing or invalid.' };
const badRequest = (detail: string) => ({
  statusCode: 400,
  status: 'Bad Request',
  errorCode: 'CONF-1001',
  errorMessage: `Invalid input or malformed request. ${detail}`,
});

/** The doc's mapping with our columns: name ← customer_name, phone1 ← mobile, email ← email_address. */
const MAPPING = {
  twitter: '',
  timezone: '',
  facebook: '',
  phone2: '',
  name: 'customer_name',
  phone3: '',
  phone4: '',
  phone5: '',
  email: 'email_address',
  phone1: 'mobile',
};

/**
 * BOM, CRLF, a quoted field with a comma, escaped quotes, a quoted field spanning lines, a blank line at the end.
 * Rows: 1 ok (spaces/dashes in the phone), 2 short phone, 3 bad email, 4 too few fields, 5 ok (no email), 6 too many.
 */
const CSV =
  '\uFEFFcustomer_name,mobile,email_address,notes\r\n' +
  '"Sharma, Priya",+91 98765-43210,priya@example.com,"said ""call later"""\r\n' +
  'Rohan Iyer,12345,rohan@example.com,short phone\r\n' +
  'Meera Nair,+14155550123,not-an-email,\r\n' +
  'Arjun Das,+14155550124\r\n' +
  '"Kavya\nReddy",4155550125,,"multi\r\nline"\r\n' +
  'Diya Mehta,4155550126,diya@example.com,"a,b",extra\r\n' +
  '\r\n';

/** The `mobile` (phone1) column of CSV's six data rows, trimmed. */
const CSV_PHONES = ['+91 98765-43210', '12345', '+14155550123', '+14155550124', '4155550125', '4155550126'];

const EXPECTED_ERROR_CSV =
  'row_number,customer_name,mobile,email_address,notes,error_reason\r\n' +
  '2,Rohan Iyer,12345,rohan@example.com,short phone,Invalid phone1\r\n' +
  '3,Meera Nair,+14155550123,not-an-email,,Invalid email\r\n' +
  '4,Arjun Das,+14155550124,Column count mismatch\r\n' +
  '6,Diya Mehta,4155550126,diya@example.com,"a,b",extra,Column count mismatch\r\n';

let sim: AmeyoSim;
beforeEach(async () => {
  sim = await startAmeyoSim({ port: 0, requestsPerSecond: 0 });
});
afterEach(async () => {
  await sim.close();
});

interface FileSpec {
  bytes: Buffer | string;
  name?: string;
  type?: string;
}

/** A FormData with the default parts; `null` drops a part, a string replaces it. */
function form(overrides: Record<string, string | null> = {}, file: FileSpec | null = { bytes: CSV }): FormData {
  const fd = new FormData();
  if (file) {
    const bytes = typeof file.bytes === 'string' ? Buffer.from(file.bytes, 'utf8') : file.bytes;
    fd.append('file', new Blob([new Uint8Array(bytes)], { type: file.type ?? 'text/csv' }), file.name ?? 'contacts.csv');
  }
  const fields: Record<string, string | null> = {
    user_id: 'john',
    update_duplicate: 'false',
    churn_updated_records: 'false',
    migrate: 'false',
    header_mapping: JSON.stringify(MAPPING),
    ...overrides,
  };
  for (const [k, v] of Object.entries(fields)) if (v !== null) fd.append(k, v);
  return fd;
}

async function upload(fd: FormData | string, path = UPLOAD, headers: Record<string, string> = { authorization: AUTH, accept: '*/*', origin: 'https://crm.example.com' }) {
  const res = await fetch(sim.url + path, { method: 'POST', headers, body: fd });
  const text = await res.text();
  return { status: res.status, headers: res.headers, text };
}

const json = (text: string): unknown => JSON.parse(text);
const answer = (taskId: string) => `{"metadata":null,"method":"POST","response":[{"data":{"task_id":${taskId}},"http_code":200,"error_data":null}],"http_code":200,"request_id":null}`;

describe('POST /v1/cc-list/:ccId/process-list/:processId/leads/:leadId/contact-upload-tasks', () => {
  it('answers the doc envelope with task id 2^53 + 1 written exactly (JSON.parse would change it), then + 2', async () => {
    const r = await upload(form());
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toBe('application/json');
    expect(r.text).toBe(answer('9007199254740993'));
    expect(r.text).toContain('"task_id":9007199254740993}');
    // The reason the id is written by hand: a JS number cannot hold it.
    const parsed = json(r.text) as { response: Array<{ data: { task_id: number } }> };
    expect(String(parsed.response[0]!.data.task_id)).toBe('9007199254740992');
    expect(Number.isSafeInteger(parsed.response[0]!.data.task_id)).toBe(false);

    const second = await upload(form());
    expect(second.text).toBe(answer('9007199254740995'));
    expect(sim.state.uploadTasks.map((t) => t.taskId)).toEqual(['9007199254740993', '9007199254740995']);
    expect(sim.state.nextUploadTaskId).toBe('9007199254740997');
  });

  it('stores the task: fields, file name/type/size, sha256 and the exact bytes, rows and bad rows', async () => {
    const r = await upload(form({ update_duplicate: 'true', migrate: null, user_id: ' john ' }));
    expect(r.status).toBe(200);
    const sent = Buffer.from(CSV, 'utf8');
    expect(sim.state.uploadTasks).toHaveLength(1);
    const task = sim.state.uploadTasks[0]!;
    expect(task).toMatchObject({
      taskId: '9007199254740993',
      ccId: 1,
      processId: 389,
      leadId: 17,
      fields: { user_id: 'john', update_duplicate: true, churn_updated_records: false, migrate: null, header_mapping: MAPPING },
      fileName: 'contacts.csv',
      contentType: 'text/csv',
      byteLength: sent.length,
      sha256: createHash('sha256').update(sent).digest('hex'),
      header: ['customer_name', 'mobile', 'email_address', 'notes'],
      rowCount: 6,
    });
    expect(Buffer.compare(task.fileBytes!, sent)).toBe(0);
    // phone1 of every data row, bad rows included, in row order (issue 18: what proves each row arrived once).
    expect(task.phones).toEqual(CSV_PHONES);
    expect(task.badRows).toEqual([
      { row: 2, values: ['Rohan Iyer', '12345', 'rohan@example.com', 'short phone'], reason: 'Invalid phone1' },
      { row: 3, values: ['Meera Nair', '+14155550123', 'not-an-email', ''], reason: 'Invalid email' },
      { row: 4, values: ['Arjun Das', '+14155550124'], reason: 'Column count mismatch' },
      { row: 6, values: ['Diya Mehta', '4155550126', 'diya@example.com', 'a,b', 'extra'], reason: 'Column count mismatch' },
    ]);
  });

  it('hashes a file above 1 MiB without keeping its bytes', async () => {
    const header = 'customer_name,mobile,email_address\n';
    const line = 'Ann Lee,+14155550100,ann@example.com\n';
    const big = header + line.repeat(Math.ceil((1024 * 1024) / line.length) + 10);
    const r = await upload(form({}, { bytes: big, name: 'big.csv', type: 'application/octet-stream' }));
    expect(r.status).toBe(200);
    const task = sim.state.uploadTasks[0]!;
    expect(task.byteLength).toBe(Buffer.byteLength(big));
    expect(task.byteLength).toBeGreaterThan(1024 * 1024);
    expect(task.fileBytes).toBeNull();
    expect(task.sha256).toBe(createHash('sha256').update(big).digest('hex'));
    expect(task).toMatchObject({ fileName: 'big.csv', contentType: 'application/octet-stream', rowCount: Math.ceil((1024 * 1024) / line.length) + 10, badRows: [] });
    // The rows' phone numbers are kept at any size (issue 18).
    expect(task.phones).toEqual(Array(task.rowCount).fill('+14155550100'));
  });

  it('reads LF-only files, unmapped email, and phone1 with + / spaces / dashes', async () => {
    const csv = 'name,phone\nA,+1 415-555-0100\nB,4155550101\nC,415 555\n';
    const mapping = { ...MAPPING, name: 'name', phone1: 'phone', email: '' };
    const r = await upload(form({ header_mapping: JSON.stringify(mapping) }, { bytes: csv }));
    expect(r.status).toBe(200);
    expect(sim.state.uploadTasks[0]).toMatchObject({ rowCount: 3, badRows: [{ row: 3, values: ['C', '415 555'], reason: 'Invalid phone1' }] });
  });

  it('accepts an upload to every seeded lead list of every campaign', async () => {
    for (const c of sim.state.campaigns) {
      for (const l of c.leadListIds) {
        const r = await upload(form(), `/v1/cc-list/1/process-list/${c.campaignId}/leads/${l}/contact-upload-tasks`);
        expect(r.status).toBe(200);
      }
    }
    expect(sim.state.uploadTasks.map((t) => [t.processId, t.leadId])).toEqual(sim.state.leadLists.map((l) => [l.campaignId, l.leadId]));
  });

  describe('400 CONF-1001 naming the part', () => {
    const cases: Array<[string, () => FormData, string]> = [
      ['file missing', () => form({}, null), "Missing required part 'file'."],
      ['user_id missing', () => form({ user_id: null }), "Missing required part 'user_id'."],
      ['user_id blank', () => form({ user_id: '  ' }), "Missing required part 'user_id'."],
      ['update_duplicate not a boolean', () => form({ update_duplicate: 'yes' }), "Part 'update_duplicate' must be 'true' or 'false'."],
      ['churn_updated_records not a boolean', () => form({ churn_updated_records: 'TRUE' }), "Part 'churn_updated_records' must be 'true' or 'false'."],
      ['migrate not a boolean', () => form({ migrate: '1' }), "Part 'migrate' must be 'true' or 'false'."],
      ['header_mapping missing', () => form({ header_mapping: null }), "Missing required part 'header_mapping'."],
      ['header_mapping not JSON', () => form({ header_mapping: '{name:' }), "Part 'header_mapping' must be a JSON object."],
      ['header_mapping an array', () => form({ header_mapping: '[]' }), "Part 'header_mapping' must be a JSON object."],
      [
        'header_mapping missing a key',
        () => form({ header_mapping: JSON.stringify({ ...MAPPING, timezone: undefined }) }),
        `Part 'header_mapping' is missing the key 'timezone'; the keys must be exactly ${CONTACT_UPLOAD_FIELDS.join(', ')}.`,
      ],
      [
        'header_mapping with an unknown key',
        () => form({ header_mapping: JSON.stringify({ ...MAPPING, phone6: '' }) }),
        `Part 'header_mapping' has an unknown key 'phone6'; the keys must be exactly ${CONTACT_UPLOAD_FIELDS.join(', ')}.`,
      ],
      [
        'header_mapping with a non-string value',
        () => form({ header_mapping: JSON.stringify({ ...MAPPING, email: null }) }),
        `Part 'header_mapping' value of 'email' must be a string (a CSV column name or "").`,
      ],
      ['phone1 not mapped', () => form({ header_mapping: JSON.stringify({ ...MAPPING, phone1: '' }) }), "Part 'header_mapping' must map 'phone1' to a CSV column."],
      [
        'a mapped column missing from the header',
        () => form({ header_mapping: JSON.stringify({ ...MAPPING, phone2: 'alt_phone' }) }),
        "Column 'alt_phone' (mapped to 'phone2' in part 'header_mapping') is not in the header of part 'file'.",
      ],
      ['an unterminated quote', () => form({}, { bytes: 'customer_name,mobile\n"Ann,4155550100\n' }), "Part 'file' is not valid CSV: unterminated quoted field starting on line 2."],
      ['an empty file', () => form({}, { bytes: '' }), "Part 'file' must be a CSV file with a header row."],
      ['a file that is not UTF-8', () => form({}, { bytes: Buffer.from([0x6e, 0x61, 0xff, 0xfe, 0x0a]) }), "Part 'file' must be UTF-8 encoded CSV text."],
      [
        'a part sent twice',
        () => {
          const fd = form();
          fd.append('user_id', 'mary');
          return fd;
        },
        "Part 'user_id' must be sent only once.",
      ],
    ];
    it.each(cases)('%s', async (_name, build, detail) => {
      const r = await upload(build());
      expect({ status: r.status, body: json(r.text) }).toEqual({ status: 400, body: badRequest(detail) });
      expect(sim.state.uploadTasks).toHaveLength(0);
    });

    it('a body that is not multipart', async () => {
      const r = await upload(JSON.stringify({ user_id: 'john' }), UPLOAD, { authorization: AUTH, origin: 'https://crm.example.com', 'content-type': 'application/json' });
      expect({ status: r.status, body: json(r.text) }).toEqual({
        status: 400,
        body: badRequest('The request body must be multipart/form-data with a boundary.'),
      });
    });
  });

  it('answers 404 CONF-1004 for another contact center, an unknown process, or a lead list of another process', async () => {
    for (const path of [
      '/v1/cc-list/2/process-list/389/leads/17/contact-upload-tasks',
      '/v1/cc-list/1/process-list/999/leads/17/contact-upload-tasks',
      '/v1/cc-list/1/process-list/389/leads/19/contact-upload-tasks',
      '/v1/cc-list/1/process-list/389/leads/abc/contact-upload-tasks',
    ]) {
      const r = await upload(form(), path);
      expect({ path, status: r.status, body: json(r.text) }).toEqual({ path, status: 404, body: NOT_FOUND });
    }
    const bad = await upload(form(), '/v1/cc-list/x/process-list/389/leads/17/contact-upload-tasks');
    expect({ status: bad.status, body: json(bad.text) }).toEqual({ status: 400, body: badRequest("Path parameter 'cc-id' must be an integer.") });
  });

  it("refuses an upload without the document's origin header (403 CONF-1003), storing nothing (issue 16, item 5)", async () => {
    const r = await upload(form(), UPLOAD, { authorization: AUTH, accept: '*/*' });
    expect({ status: r.status, body: json(r.text) }).toEqual({
      status: 403,
      body: { statusCode: 403, status: 'Forbidden', errorCode: 'CONF-1003', errorMessage: 'Access denied.' },
    });
    expect(sim.state.uploadTasks).toHaveLength(0);
  });

  it('requires HTTP Basic (401 CONF-1002)', async () => {
    const r = await upload(form(), UPLOAD, {});
    expect({ status: r.status, body: json(r.text) }).toEqual({ status: 401, body: UNAUTHORIZED });
    const wrong = await upload(form(), UPLOAD, { authorization: basic(AMEYO_SIM_DEFAULTS.username, 'nope') });
    expect(wrong.status).toBe(401);
  });
});

describe('GET [/v1]/cc-list/…/contact-upload-tasks/:taskId/error-file', () => {
  const get = async (path: string, headers: Record<string, string> = { authorization: AUTH }) => {
    const res = await fetch(sim.url + path, { headers });
    return { status: res.status, headers: res.headers, text: await res.text() };
  };

  it('serves the bad rows as CSV (RFC 4180 quoting, CRLF), with and without /v1', async () => {
    expect((await upload(form())).status).toBe(200);
    for (const prefix of ['/v1', '']) {
      const r = await get(errorFile('9007199254740993', prefix));
      expect(r.status).toBe(200);
      expect(r.headers.get('content-type')).toBe('text/csv; charset=utf-8');
      expect(r.headers.get('content-disposition')).toBe('attachment; filename="error-file-9007199254740993.csv"');
      expect(r.text).toBe(EXPECTED_ERROR_CSV);
    }
  });

  it('quotes values with quotes and line breaks, and round-trips through a CSV parser', async () => {
    const csv = 'customer_name,mobile,email_address\r\n"Ann ""AJ""\nLee",123,x\r\n';
    expect((await upload(form({}, { bytes: csv }))).status).toBe(200);
    const r = await get(errorFile('9007199254740993'));
    expect(r.text).toBe('row_number,customer_name,mobile,email_address,error_reason\r\n1,"Ann ""AJ""\nLee",123,x,Invalid phone1\r\n');
    expect(parseCsv(r.text)).toEqual({
      records: [
        ['row_number', 'customer_name', 'mobile', 'email_address', 'error_reason'],
        ['1', 'Ann "AJ"\nLee', '123', 'x', 'Invalid phone1'],
      ],
    });
  });

  it('is the header line only when no row failed', async () => {
    const up = await upload(form({}, { bytes: 'customer_name,mobile,email_address\nAnn,4155550100,\n' }));
    expect(up.status).toBe(200);
    const r = await get(errorFile('9007199254740993'));
    expect(r).toMatchObject({ status: 200, text: 'row_number,customer_name,mobile,email_address,error_reason\r\n' });
  });

  it('answers 404 CONF-1004 for an unknown task, or a task of another lead list / process / contact center', async () => {
    await upload(form());
    for (const path of [
      errorFile('9007199254740995'),
      errorFile('9007199254740992'),
      errorFile('9007199254740993', '/v1', 389, 18),
      errorFile('9007199254740993', '', 412, 19),
      '/v1/cc-list/2/process-list/389/leads/17/contact-upload-tasks/9007199254740993/error-file',
    ]) {
      const r = await get(path);
      expect({ path, status: r.status, body: json(r.text) }).toEqual({ path, status: 404, body: NOT_FOUND });
    }
  });

  it('requires HTTP Basic', async () => {
    await upload(form());
    const r = await get(errorFile('9007199254740993'), {});
    expect({ status: r.status, body: json(r.text) }).toEqual({ status: 401, body: UNAUTHORIZED });
  });
});

describe('parseCsv', () => {
  it('handles quotes, escaped quotes, CRLF/LF/CR, a BOM and skips blank lines', () => {
    expect(parseCsv('\uFEFFa,b\r\n"x,1","say ""hi"""\n\n"multi\nline",\r\nlast,"end"\rz,""')).toEqual({
      records: [
        ['a', 'b'],
        ['x,1', 'say "hi"'],
        ['multi\nline', ''],
        ['last', 'end'],
        ['z', ''],
      ],
    });
    expect(parseCsv('')).toEqual({ records: [] });
    expect(parseCsv('a,"b')).toEqual({ error: 'unterminated quoted field starting on line 1' });
  });
});
