/**
 * File uploads (the GraphQL multipart request spec), in two halves:
 *
 * - HTTP: a multipart POST is read only after auth passed (server.ts) and only with a preflight header
 *   (`Apollo-Require-Preflight` or `X-Apollo-Operation-Name`): multipart is a CORS "simple request", so
 *   without one a browser on any origin could trigger it (GHSA-2p3c-p3qw-69r4,
 *   notes/hardening-and-libraries.md §1.4). Refusals happen before a byte of the body is read.
 * - Resolvers: `readUpload` takes the file with our own byte limit. graphql-upload-minimal truncates
 *   silently past its `maxFileSize` (issue #51, notes §1.5), so we let it read one byte more than our
 *   limit and refuse the file ourselves when that byte arrives.
 */
import type http from 'node:http';
import type { Readable } from 'node:stream';
import { processRequest } from 'graphql-upload-minimal';
import { BadUserInputError } from './errors';

export interface UploadLimits {
  /** Largest file accepted, in bytes. */
  maxFileBytes: number;
  /** Most files in one request. */
  maxFiles: number;
  /** Largest non-file field (`operations`, `map`), in bytes. */
  maxFieldBytes: number;
}

export const isMultipart = (req: http.IncomingMessage) => (req.headers['content-type'] ?? '').toLowerCase().startsWith('multipart/form-data');

/** True when the request carries a header a browser cannot send cross-origin without a CORS preflight. */
export function hasPreflightHeader(req: http.IncomingMessage): boolean {
  const h = (name: string) => {
    const v = req.headers[name];
    return typeof v === 'string' && v.trim() !== '';
  };
  return h('apollo-require-preflight') || h('x-apollo-operation-name');
}

/** An upload refusal the HTTP layer answers with `status`. */
export class UploadRequestError extends Error {
  override readonly name = 'UploadRequestError';
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/**
 * Reads a GraphQL multipart request into its operations object (files stay streams, resolved by the
 * Upload scalar). Throws UploadRequestError with the HTTP status for a malformed request or exceeded limits.
 */
export async function readMultipartOperations(req: http.IncomingMessage, res: http.ServerResponse, limits: UploadLimits): Promise<unknown> {
  try {
    return await processRequest(req, res, {
      // One byte over our limit, so `readUpload` can tell "exactly at the limit" from "over it".
      maxFileSize: limits.maxFileBytes + 1,
      maxFiles: limits.maxFiles,
      maxFieldSize: limits.maxFieldBytes,
    });
  } catch (err) {
    const status = (err as { status?: number }).status;
    throw new UploadRequestError(typeof status === 'number' && status >= 400 && status < 500 ? status : 400, (err as Error).message);
  }
}

/** What a resolver gets from `readUpload`. */
export interface ReceivedFile {
  /** The client's name for the file: for messages only, never a path. */
  filename: string;
  content: Buffer;
}

interface FileUpload {
  filename: string;
  createReadStream(): Readable;
}

const unreadable = (field: string, err: unknown) => new BadUserInputError(`${field} could not be read: ${(err as Error).message}`);

/**
 * Awaits an Upload scalar's promise and opens the file. graphql-upload-minimal reports a file the request
 * never delivered (or one over `maxFiles`) by rejecting the promise or throwing from createReadStream;
 * either is the caller's to fix, so it becomes a BAD_USER_INPUT naming `field`.
 */
export async function openUpload<T extends { createReadStream(): Readable }>(upload: Promise<T> | T, field: string): Promise<{ file: T; stream: Readable }> {
  try {
    const file = await upload;
    return { file, stream: file.createReadStream() };
  } catch (err) {
    throw unreadable(field, err);
  }
}

/**
 * Reads an uploaded file into memory, refusing it past `maxBytes` with a BAD_USER_INPUT naming the limit.
 * Used for the small JSON files of bulk imports, which must be parsed and checked whole before the vendor
 * sees them; large CSV uploads stream instead.
 */
export async function readUpload(upload: Promise<FileUpload> | FileUpload, maxBytes: number, field: string): Promise<ReceivedFile> {
  const { file, stream } = await openUpload(upload, field);
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of stream) {
      size += (chunk as Buffer).length;
      if (size > maxBytes) {
        stream.destroy();
        throw new BadUserInputError(`${field} is larger than ${maxBytes} bytes`);
      }
      chunks.push(chunk as Buffer);
    }
  } catch (err) {
    if (err instanceof BadUserInputError) throw err;
    throw unreadable(field, err);
  }
  return { filename: String(file.filename ?? ''), content: Buffer.concat(chunks) };
}

/** A file `openZipOrJsonObjectUpload` accepted: a ZIP that streams on, or a JSON object read and checked whole. */
export type ZipOrJsonObjectFile =
  | {
      contentType: 'application/zip';
      content: AsyncIterable<Buffer>;
      /** The refusal to answer when the stream was cut at the ZIP limit while the vendor was receiving it, else null. */
      refusal(): BadUserInputError | null;
    }
  | { contentType: 'application/json'; content: Buffer; refusal(): null };

const ZIP_MAGIC = Buffer.from([0x50, 0x4b, 0x03, 0x04]);

/**
 * An uploaded file that must be a ZIP or a JSON object, told apart by its first bytes (never the client's MIME type).
 * A ZIP, which can carry audio files, streams on to the vendor under `maxZipBytes` (the limit of the other streamed
 * files, `server.uploads.maxFileBytes`); a JSON object is read whole under `maxJsonBytes` and parsed before the vendor
 * sees a byte, as the other JSON files are. BAD_USER_INPUT naming `field` for anything else.
 */
export async function openZipOrJsonObjectUpload(upload: Promise<FileUpload> | FileUpload, limits: { maxZipBytes: number; maxJsonBytes: number }, field: string): Promise<ZipOrJsonObjectFile> {
  const { file, stream } = await openUpload(upload, field);
  const it = stream[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  const head: Buffer[] = [];
  let size = 0;
  let done = false;
  const next = async (max: number): Promise<boolean> => {
    let r: IteratorResult<Buffer>;
    try {
      r = await it.next();
    } catch (err) {
      throw unreadable(field, err);
    }
    if (r.done) return false;
    size += r.value.length;
    if (size > max) {
      stream.destroy();
      throw new BadUserInputError(`${field} is larger than ${max} bytes`);
    }
    head.push(r.value);
    return true;
  };
  while (size < ZIP_MAGIC.length && !done) done = !(await next(limits.maxZipBytes));
  if (Buffer.concat(head).subarray(0, ZIP_MAGIC.length).equals(ZIP_MAGIC)) {
    let cut: BadUserInputError | null = null;
    async function* zip(): AsyncGenerator<Buffer> {
      yield* head;
      for (let more = !done; more;) {
        try {
          more = await next(limits.maxZipBytes);
        } catch (err) {
          cut = err as BadUserInputError;
          throw err;
        }
        if (more) yield head.pop()!;
      }
    }
    return { contentType: 'application/zip', content: zip(), refusal: () => cut };
  }
  if (size > limits.maxJsonBytes) {
    stream.destroy();
    throw new BadUserInputError(`${field} is larger than ${limits.maxJsonBytes} bytes`);
  }
  while (!done) done = !(await next(limits.maxJsonBytes));
  const content = Buffer.concat(head);
  sniffZipOrJsonObjectFile({ filename: String(file.filename ?? ''), content }, field);
  return { contentType: 'application/json', content, refusal: () => null };
}

/**
 * Parses a received file as a JSON array, sniffing its content rather than trusting the client's MIME
 * type. Throws BAD_USER_INPUT with `field` in the message when it is not one.
 */
export function parseJsonArrayFile(file: ReceivedFile, field: string): unknown[] {
  let text = file.content.toString('utf8');
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  if (!text.trimStart().startsWith('[')) throw new BadUserInputError(`${field} must be a JSON array`);
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    throw new BadUserInputError(`${field} is not valid JSON`);
  }
  if (!Array.isArray(data)) throw new BadUserInputError(`${field} must be a JSON array`);
  return data;
}

/**
 * Tells a ZIP (by its local-file-header signature `PK\3\4`) from a JSON object (by parsing it), sniffing the content
 * rather than trusting the client's MIME type, for files the vendor takes as either (queue settings imports).
 * Throws BAD_USER_INPUT with `field` in the message when it is neither.
 */
export function sniffZipOrJsonObjectFile(file: ReceivedFile, field: string): 'application/zip' | 'application/json' {
  const b = file.content;
  if (b.length >= 4 && b[0] === 0x50 && b[1] === 0x4b && b[2] === 0x03 && b[3] === 0x04) return 'application/zip';
  let text = b.toString('utf8');
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  if (!text.trimStart().startsWith('{')) throw new BadUserInputError(`${field} must be a ZIP file or a JSON object`);
  try {
    JSON.parse(text);
  } catch {
    throw new BadUserInputError(`${field} is not valid JSON`);
  }
  return 'application/json';
}
