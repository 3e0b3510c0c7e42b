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

export function createLogger(level: string, destination?: DestinationStream): Logger {
  return pino(
    {
      level,
      base: { service: 'switchboard' },
      redact: { paths: REDACT_PATHS, censor: '[REDACTED]' },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    destination,
  );
}
