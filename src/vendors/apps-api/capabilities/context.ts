/** What every Apps API capability module is built from, and the small wire helpers they share. Not public API. */
import type { UploadedFile } from '../../../domain/types';
import { isSwitchboardError } from '../../../errors';
import { encodeMultipart } from '../../../upstream/multipart';
import type { AppsApiClient } from '../client';
import type { AppsApiConnectionConfig } from '../config';

export interface AppsApiContext {
  client: AppsApiClient;
  config: AppsApiConnectionConfig;
  /** The connection's id, on every domain object. */
  cid: string;
}

/** Ids go out as numbers where they are numeric, like the API's own bodies (apps-api.txt examples). */
export const idNumber = (id: string) => (/^\d+$/.test(id) ? Number(id) : id);

export const toDate = (s: string | null | undefined): Date | null => {
  if (!s) return null;
  const d = new Date(s);
  return Number.isNaN(d.getTime()) ? null : d;
};

/** Null for a vendor 404, the value otherwise. */
export async function orNull<T>(p: Promise<T>): Promise<T | null> {
  try {
    return await p;
  } catch (err) {
    if (isSwitchboardError(err) && err.code === 'NOT_FOUND') return null;
    throw err;
  }
}

/** A JSON file as a multipart `file` part (plus text fields), the way the bulk endpoints take it. */
export function jsonFilePart(file: UploadedFile, fields: Record<string, string> = {}) {
  return encodeMultipart([
    ...Object.entries(fields).map(([name, value]) => ({ name, value })),
    { name: 'file', filename: file.filename.toLowerCase().endsWith('.json') ? file.filename : 'upload.json', contentType: 'application/json', content: file.content },
  ]);
}
