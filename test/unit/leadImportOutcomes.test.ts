/**
 * Issue 18: an Apps API contact import job's answer as a batch's outcome. The notes give the job's path only ([T]),
 * so its shape is read defensively: each row of the table is a body the vendor might send, and what is not said is
 * never read as success.
 */
import { jobOutcome } from '../../src/vendors/apps-api/capabilities/leadImports';
import { isVendorRefusal } from '../../src/vendors/leadImports';
import { BadUserInputError, RateLimitedError, UpstreamError, UpstreamTimeoutError } from '../../src/errors';

const ROWS = [10, 11, 12];
const counters = (imported: number) => `the Apps API import job 7 finished, but its counters (imported ${imported}, failed 1 of 3) do not account for all 3 rows sent`;

describe('jobOutcome', () => {
  it.each<[string, unknown, unknown]>([
    ['created: still working', { status: 'created' }, null],
    ['in_progress, upper case: still working', { status: 'IN_PROGRESS' }, null],
    ['finished, every row accounted for', { status: 'finished', total_rows: 3, imported_rows: 3, failed_rows: 0, errors: [] }, { failed: [], uncertain: [] }],
    [
      'finished with an error row: that row failed under our number',
      { status: 'finished', total_rows: 3, imported_rows: 2, failed_rows: 1, errors: [{ row: 2, column: 'phone_number', message: 'phone_number is invalid' }] },
      { failed: [{ rowNumber: 11, reason: 'phone_number is invalid' }], uncertain: [] },
    ],
    [
      'finished, counters as strings, imported left out (total - failed)',
      { status: 'finished', total_rows: '3', failed_rows: '1', errors: [{ row: '3', error: 'taken' }] },
      { failed: [{ rowNumber: 12, reason: 'taken' }], uncertain: [] },
    ],
    [
      'finished, one row the counters miss: the unlisted rows are uncertain',
      { status: 'finished', total_rows: 3, imported_rows: 1, failed_rows: 1, errors: [{ row: 1, message: 'bad' }] },
      {
        failed: [{ rowNumber: 10, reason: 'bad' }],
        uncertain: [
          { rowNumber: 11, reason: counters(1) },
          { rowNumber: 12, reason: counters(1) },
        ],
      },
    ],
    [
      'finished, an error without a row we sent: which row failed is unknown',
      { status: 'finished', total_rows: 3, imported_rows: 2, failed_rows: 1, errors: [{ row: 9, message: 'bad' }] },
      { failed: [], uncertain: ROWS.map((rowNumber) => ({ rowNumber, reason: counters(2) })) },
    ],
    [
      'finished without counters: nothing says the rows were imported',
      { status: 'finished' },
      {
        failed: [],
        uncertain: ROWS.map((rowNumber) => ({ rowNumber, reason: 'the Apps API import job 7 finished, but its counters (imported ?, failed 0 of ?) do not account for all 3 rows sent' })),
      },
    ],
    [
      'failed, with its reason: every row failed',
      { status: 'failed', error: 'file could not be read' },
      { failed: ROWS.map((rowNumber) => ({ rowNumber, reason: 'file could not be read' })), uncertain: [] },
    ],
    ['cancelled, no reason', { status: 'cancelled' }, { failed: ROWS.map((rowNumber) => ({ rowNumber, reason: "the Apps API import job 7 ended 'cancelled'" })), uncertain: [] }],
    [
      'a status we do not know: listed rows failed, the rest uncertain',
      { status: 'partially_done', errors: [{ row: 1 }] },
      {
        failed: [{ rowNumber: 10, reason: 'refused by the Apps API (no message)' }],
        uncertain: [11, 12].map((rowNumber) => ({ rowNumber, reason: "the Apps API import job 7 answered status 'partially_done', which does not say whether the row was imported" })),
      },
    ],
    [
      'no status at all (not an object)',
      ['finished'],
      { failed: [], uncertain: ROWS.map((rowNumber) => ({ rowNumber, reason: "the Apps API import job 7 answered status '(none)', which does not say whether the row was imported" })) },
    ],
  ])('%s', (_name, body, expected) => {
    expect(jobOutcome('7', body, ROWS)).toEqual(expected);
  });
});

describe('isVendorRefusal', () => {
  const f = { vendor: 'apps-api' as const, connectionId: 'c' };
  it.each<[string, Error, boolean]>([
    ['a 400', new BadUserInputError('bad', { ...f, upstreamStatus: 400 }), true],
    ['a 404', new UpstreamError('gone', { ...f, upstreamStatus: 404 }), true],
    ['a 401 (the credentials: the vendor acted on nothing)', new UpstreamError('creds', { ...f, upstreamStatus: 401 }), true],
    ['a 413', new UpstreamError('big', { ...f, upstreamStatus: 413 }), true],
    ['a 429 (notSent: sent again later)', new RateLimitedError('slow', { ...f, upstreamStatus: 429, retryAfterMs: 1, notSent: true }), false],
    ['a 408 (fate unknown)', new UpstreamTimeoutError('t', { ...f, upstreamStatus: 408 }), false],
    ['a 500 (fate unknown)', new UpstreamError('e', { ...f, upstreamStatus: 500 }), false],
    ['a timeout without a status', new UpstreamTimeoutError('t', f), false],
    ['a plain Error', new Error('x'), false],
  ])('%s', (_name, err, refused) => {
    expect(isVendorRefusal(err)).toBe(refused);
  });
});
