/**
 * pino JSON logs. Redaction is the second line of defence: nothing logs a credential on purpose, and these
 * paths catch one that slips into a logged object anyway.
 */
import pino, { type DestinationStream, type Logger } from 'pino';

export const REDACT_PATHS = [
  'authorization',
  '*.authorization',
  'headers.authorization',
  '*.headers.authorization',
  '*.headers["x-api-key"]',
  '*.headers["hash-key"]',
  '*.headers.sessionid',
  'password',
  '*.password',
  'apiKey',
  '*.apiKey',
  'apiKeys',
  '*.apiKeys',
  'apiToken',
  '*.apiToken',
  'adminToken',
  '*.adminToken',
  'token',
  '*.token',
  'access_token',
  '*.access_token',
  'credentials',
  '*.credentials',
];

/**
 * `destination` defaults to stdout written asynchronously: pino's own default writes each line with a blocking
 * write(2) on the request's path (to a pipe, that also wakes the reader), about 15% of the gateway's CPU on a cached
 * query at info level (bench/dashboards, bench/RESULTS.md). Asynchronously, lines logged while a write is in flight go
 * out together in the next one, a lone line still goes out at once, and pino flushes what is left synchronously
 * when the process exits (pino's buildSafeSonicBoom registers that for `sync: false`).
 */
export function createLogger(level: string, destination?: DestinationStream): Logger {
  return pino(
    {
      level,
      base: { service: 'switchboard' },
      redact: { paths: REDACT_PATHS, censor: '[REDACTED]' },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    destination ?? pino.destination({ dest: 1, sync: false }),
  );
}
