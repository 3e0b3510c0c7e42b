/**
 * The upstream kit's contract. A vendor client builds an `UpstreamRequest` (through its routes table)
 * and hands it to the connection's `UpstreamHandler`; interceptors wrap handlers, one concern each.
 */
import type { VendorKey } from '../errors';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** Per-GraphQL-request facts every upstream call inherits. */
export interface RequestScope {
  /** Absolute deadline, ms since the epoch: queue waits and the call itself must finish by then. */
  deadlineAt: number;
  /** Aborted when the client goes away. */
  signal?: AbortSignal;
  /** Called once per request actually sent to a vendor (for the per-request log line). */
  onUpstreamCall?: (info: { vendor: VendorKey; connectionId: string; route: string; status: number | string }) => void;
}

export interface UpstreamRequest {
  method: HttpMethod;
  /** Absolute URL; built only by `buildRouteRequest` from a routes table. */
  url: URL;
  /** The routes-table key (`listAgents`): metrics, logs and error facts use it instead of the URL. */
  route: string;
  headers: Record<string, string>;
  body?: string | Buffer;
  scope: RequestScope;
  /** Share identical in-flight reads and cache them this long (ms). 0 or undefined: neither. */
  cacheTtlMs?: number;
  /** Set by the auth interceptor on its own login calls so they skip auth handling. */
  isAuthRequest?: boolean;
}

export interface UpstreamResponse {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
}

export type UpstreamHandler = (req: UpstreamRequest) => Promise<UpstreamResponse>;

/** One concern around a handler: `(next) => handler`. Composed by `createUpstream`. */
export type UpstreamInterceptor = (next: UpstreamHandler) => UpstreamHandler;

/** Identifies the connection an interceptor serves (for metrics and error facts). */
export interface ConnectionIdentity {
  vendor: VendorKey;
  connectionId: string;
  /** `tenant/connection`: unique across tenants, used as the `connection` metrics label. */
  label: string;
}

/** Composes interceptors so that the first in the list sees the request first. */
export function compose(handler: UpstreamHandler, interceptors: UpstreamInterceptor[]): UpstreamHandler {
  return interceptors.reduceRight<UpstreamHandler>((next, interceptor) => interceptor(next), handler);
}

