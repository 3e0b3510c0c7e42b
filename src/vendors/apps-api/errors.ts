/** Apps API error bodies are `{"message": "..."}` (notes/vendors-real-world.md §1, "Response and error conventions"). */
import type { ErrorFacts, SwitchboardError } from '../../errors';
import type { UpstreamResponse } from '../../upstream/types';
import { httpError, readErrorBody } from '../wire';

export function appsApiError(res: UpstreamResponse, facts: ErrorFacts): SwitchboardError {
  const body = readErrorBody(res);
  let message: string | null = null;
  if (body && typeof body === 'object' && typeof (body as { message?: unknown }).message === 'string') {
    message = (body as { message: string }).message;
  } else if (typeof body === 'string' && body.length <= 500 && !body.startsWith('<')) {
    message = body;
  }
  return httpError(res, { message }, facts);
}
