/** What every Ameyo capability module is built from, and the readers of Ameyo's loosely typed rows. Not public API. */
import type { AmeyoClient } from '../client';
import type { AmeyoConnectionConfig } from '../config';

export interface AmeyoContext {
  client: AmeyoClient;
  config: AmeyoConnectionConfig;
  /** The connection's id, on every domain object. */
  cid: string;
}

/** A row value as a string; null for null, undefined and '' (Ameyo prints empty columns as ''). */
export const str = (v: unknown): string | null => (v === null || v === undefined || v === '' ? null : String(v));
