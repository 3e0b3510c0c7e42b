/**
 * Campaign-API error bodies are bare JSON strings (`"Authentication token is invalid"`, notes §2);
 * the vendor doc gives only the texts of 400 and 500.
 */
import type { ErrorFacts, SwitchboardError } from '../../errors';
import type { UpstreamResponse } from '../../upstream/types';
import { httpError, readErrorBody } from '../wire';

export function campaignApiError(res: UpstreamResponse, facts: ErrorFacts): SwitchboardError {
  const body = readErrorBody(res);
  let message: string | null = null;
  if (typeof body === 'string' && body.length <= 500 && !body.startsWith('<')) message = body;
  else if (body && typeof body === 'object') {
    const m = (body as Record<string, unknown>)['message'] ?? (body as Record<string, unknown>)['error'];
    if (typeof m === 'string') message = m;
  }
  return httpError(res, { message }, facts);
}
