/**
 * What the gateway last saw of a connection, for `Query.connections { status }` and /readyz: UP after an
 * answer, DOWN after the vendor could not be reached or timed out, DEGRADED after any other vendor fault
 * (5xx, rejected credentials), UNKNOWN before the first call. A caller's own mistake (400, 404) or our
 * rate limit says nothing about the vendor's health and changes nothing, and neither does a call the gateway
 * itself stopped: a caller who left (cancelled on the wire or while queued), our response-size cap, a refusal
 * before sending (open breaker, shared budget unreachable). It judges the HTTP exchange only: a 2xx whose body
 * turns out malformed (read later, by the vendor client) still counts as UP.
 */
import { isSwitchboardError, type SwitchboardError } from '../errors';
import { TransportFailure } from './transport';
import type { UpstreamInterceptor } from './types';

export type HealthStatus = 'UP' | 'DEGRADED' | 'DOWN' | 'UNKNOWN';

export class ConnectionHealth {
  status: HealthStatus = 'UNKNOWN';
  /** When `status` last changed or was confirmed, ms since the epoch; null before the first call. */
  checkedAt: number | null = null;
  /** The code of the last failure, if the last call failed. */
  lastErrorCode: string | null = null;

  record(status: Exclude<HealthStatus, 'UNKNOWN'>, errorCode: string | null = null): void {
    this.status = status;
    this.checkedAt = Date.now();
    this.lastErrorCode = errorCode;
  }
}

export function createHealthInterceptor(health: ConnectionHealth): UpstreamInterceptor {
  return (next) => async (req) => {
    try {
      const res = await next(req);
      health.record('UP');
      return res;
    } catch (err) {
      if (isSwitchboardError(err) && stoppedByUs(err)) throw err;
      const code = isSwitchboardError(err) ? err.code : 'INTERNAL';
      if (code === 'UPSTREAM_UNAVAILABLE' || code === 'UPSTREAM_TIMEOUT') health.record('DOWN', code);
      else if (code === 'UPSTREAM_ERROR' || code === 'INTERNAL') health.record('DEGRADED', code);
      throw err;
    }
  };
}

/**
 * A failure of the gateway's own making: the transport cancelled (the caller left) or cut the answer at our size cap,
 * or the call was never sent for a reason of ours. A connection the vendor refused is also "not sent" but carries the
 * transport's `unreachable`, so it still counts. Before this, clients who hung up showed a healthy vendor as DOWN
 * until its next answer.
 */
function stoppedByUs(err: SwitchboardError): boolean {
  if (err.cause instanceof TransportFailure) return err.cause.kind === 'aborted' || err.cause.kind === 'too-large';
  return err.facts.notSent === true && err.facts.upstreamStatus === undefined;
}
