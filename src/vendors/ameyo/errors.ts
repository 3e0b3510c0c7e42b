/**
 * Ameyo has three error shapes, one per API family (notes/vendors-real-world.md §3):
 * - CMS / data engine `ExceptionBody`: `{statusCode, status, errorCode: "CONF-100x", errorMessage}`;
 * - app server `RESTAPIErrorResponseEntity`: `{message, code, info, status}` (`message` may be empty, with the key in `info`);
 * - web-access commands: `{status: "error", reason, details}`.
 */
import type { ErrorFacts, SwitchboardError } from '../../errors';
import type { UpstreamResponse } from '../../upstream/types';
import { httpError, readErrorBody, type VendorErrorDetail } from '../wire';

export function ameyoError(res: UpstreamResponse, facts: ErrorFacts): SwitchboardError {
  return httpError(res, ameyoErrorDetail(res), facts);
}

/** The message and code of an Ameyo error body, whichever family's shape it has. */
export function ameyoErrorDetail(res: UpstreamResponse): VendorErrorDetail {
  const body = readErrorBody(res);
  if (body && typeof body === 'object') {
    const b = body as Record<string, unknown>;
    if (typeof b['errorCode'] === 'string' || typeof b['errorMessage'] === 'string') {
      return { message: (b['errorMessage'] as string) ?? null, ...(typeof b['errorCode'] === 'string' ? { upstreamCode: b['errorCode'] } : {}) };
    }
    if ('code' in b && ('message' in b || 'info' in b)) {
      const message = (typeof b['message'] === 'string' && b['message']) || (typeof b['info'] === 'string' && b['info']) || null;
      return { message, ...(b['code'] != null ? { upstreamCode: String(b['code']) } : {}) };
    }
    if (typeof b['reason'] === 'string') return { message: b['reason'] };
  }
  const text = typeof body === 'string' && body.length <= 500 && !body.startsWith('<') ? body : null;
  return { message: text };
}
