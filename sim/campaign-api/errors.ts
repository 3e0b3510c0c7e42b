// The campaign API's error answers: every error body is a bare JSON string (vendors-real-world.md §2).
import type { SimReply } from '../common/server';

/** 400 body, word for word from campaign-api-9443.txt ("400 The information sent is invalid."). */
export const INVALID_INFORMATION = 'The information sent is invalid.';
/** 401 body for a missing, invalid or expired token (vendors-real-world.md §2, "Error body" [T]). */
export const INVALID_TOKEN = 'Authentication token is invalid';
/** 401 body for a wrong login. The 401 status is [T] (notes §2, "Auth and tokens"); the text is our assumption. */
export const INVALID_CREDENTIALS = 'Invalid credentials';
/** The vendor doc lists "500 Internal server error" on every endpoint. */
export const INTERNAL_ERROR = 'Internal server error';
/** Undocumented; our assumption. */
export const TOO_MANY_REQUESTS = 'Too many requests';
/** Undocumented; our assumption. */
export const NOT_FOUND = 'Not found';

const bare = (status: number, text: string, headers?: Record<string, string>): SimReply => (headers ? { status, headers, body: text } : { status, body: text });

export const invalidInformation = (): SimReply => bare(400, INVALID_INFORMATION);
export const invalidToken = (): SimReply => bare(401, INVALID_TOKEN);
export const invalidCredentials = (): SimReply => bare(401, INVALID_CREDENTIALS);
/** 429 and Retry-After are undocumented for this vendor; we answer like most APIs do (assumption). */
export const tooManyRequests = (): SimReply => bare(429, TOO_MANY_REQUESTS, { 'retry-after': '1' });
export const serverError = (status: number): SimReply => bare(status, INTERNAL_ERROR);
export const notFound = (): SimReply => bare(404, NOT_FOUND);
