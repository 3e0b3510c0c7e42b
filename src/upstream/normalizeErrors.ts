/**
 * Turns what the vendor or the network did into our error classes, once, for every call: transport
 * failures become UPSTREAM_TIMEOUT / UPSTREAM_UNAVAILABLE, and any status >= 400 goes through the
 * vendor's own mapper (src/vendors/<key>/errors.ts), which knows its body shapes. Every error gets the
 * vendor, the connection and the route; none gets a URL or a header.
 */
import { UpstreamTimeoutError, UpstreamUnavailableError, type ErrorFacts, type SwitchboardError } from '../errors';
import { TransportFailure } from './transport';
import type { ConnectionIdentity, UpstreamInterceptor, UpstreamResponse } from './types';

/** A vendor's error mapper: status and body in, one of our errors out. */
export type VendorErrorMapper = (res: UpstreamResponse, facts: ErrorFacts) => SwitchboardError;

export function transportFailureToError(err: TransportFailure, facts: ErrorFacts): SwitchboardError {
  const vendor = facts.vendor ?? 'vendor';
  switch (err.kind) {
    case 'timeout':
      return new UpstreamTimeoutError(`${vendor} did not answer in time`, facts, { cause: err });
    case 'reset':
      return new UpstreamUnavailableError(`${vendor} closed the connection before answering`, facts, { cause: err });
    case 'aborted':
      return new UpstreamUnavailableError(`the call to ${vendor} was cancelled`, { ...facts, retryable: false }, { cause: err });
    case 'too-large':
      return new UpstreamUnavailableError(`${vendor} sent a response larger than the gateway accepts`, { ...facts, retryable: false }, { cause: err });
    default:
      return new UpstreamUnavailableError(`${vendor} could not be reached`, { ...facts, notSent: true }, { cause: err });
  }
}

const SAFE_METHODS = new Set(['GET', 'HEAD']);

export function createNormalizeErrorsInterceptor(identity: ConnectionIdentity, toError: VendorErrorMapper): UpstreamInterceptor {
  return (next) => async (req) => {
    const facts: ErrorFacts = { vendor: identity.vendor, connectionId: identity.connectionId, route: req.route };
    let res: UpstreamResponse;
    try {
      res = await next(req);
    } catch (err) {
      if (err instanceof TransportFailure) {
        const error = transportFailureToError(err, facts);
        // A write whose answer was lost may have been carried out: not something to simply retry.
        if (!SAFE_METHODS.has(req.method) && !error.facts.notSent) error.facts.retryable = false;
        throw error;
      }
      throw err;
    }
    if (res.status >= 400) throw toError(res, { ...facts, upstreamStatus: res.status });
    return res;
  };
}
