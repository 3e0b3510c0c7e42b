/**
 * What the gateway last saw of a connection, for `Query.connections { status }` and /readyz: UP after an
 * answer, DOWN after the vendor could not be reached or timed out, DEGRADED after any other vendor fault
 * (5xx, rejected credentials), UNKNOWN before the first call. A caller's own mistake (400, 404) or our
 * rate limit says nothing about the vendor's health and changes nothing. It judges the HTTP exchange only:
 * a 2xx whose body turns out malformed (read later, by the vendor client) still counts as UP.
 */
import { isSwitchboardError } from '../errors';
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
      const code = isSwitchboardError(err) ? err.code : 'INTERNAL';
      if (code === 'UPSTREAM_UNAVAILABLE' || code === 'UPSTREAM_TIMEOUT') health.record('DOWN', code);
      else if (code === 'UPSTREAM_ERROR' || code === 'INTERNAL') health.record('DEGRADED', code);
      throw err;
    }
  };
}
