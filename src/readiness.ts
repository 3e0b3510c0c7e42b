/**
 * /readyz: is the config loaded, and can the gateway reach its vendors? Reachability is a TCP connect to
 * each configured origin (it costs no vendor request, so it never eats into a rate limit), cached for a
 * few seconds so probes do not add load.
 *
 * Ready means: config loaded, at least one origin reachable, and the state store answering. One vendor's
 * outage must not take every replica out of rotation for the tenants whose other vendors still work
 * (docs/decisions.md, "Readiness"); a fleet replica without its Redis cannot keep the shared budget or record
 * an idempotent mutation, so it is not ready (read live, not cached: it changes in a moment).
 * The body gives counts only (probes are unauthenticated); which connection is unreachable is in the
 * `switchboard_upstream_reachable` gauge and `Query.connections`.
 */
import net from 'node:net';
import { upstreamReachable } from './metrics';

export interface ReadinessReport {
  ready: boolean;
  checkedAt: string;
  upstreams: { total: number; reachable: number };
  state: { store: 'embedded' | 'redis'; reachable: boolean };
}

/** What readiness needs of the state store (src/state/). */
export interface StateProbe {
  readonly kind: 'embedded' | 'redis';
  reachable(): boolean;
}

function canConnect(origin: string, timeoutMs: number): Promise<boolean> {
  const u = new URL(origin);
  const port = Number(u.port || (u.protocol === 'https:' ? 443 : 80));
  return new Promise((resolve) => {
    const socket = net.connect({ host: u.hostname.replace(/^\[|\]$/g, ''), port });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

export function createReadiness(originsByConnection: Map<string, string[]>, state: StateProbe, opts: { cacheMs?: number; timeoutMs?: number } = {}) {
  const { cacheMs = 5_000, timeoutMs = 2_000 } = opts;
  const byOrigin = new Map<string, string[]>();
  for (const [conn, origins] of originsByConnection) {
    for (const o of new Set(origins)) byOrigin.set(o, [...(byOrigin.get(o) ?? []), conn]);
  }
  let last: { at: number; report: Promise<Omit<ReadinessReport, 'state'>> } | null = null;
  const withState = async (upstreams: Promise<Omit<ReadinessReport, 'state'>>): Promise<ReadinessReport> => {
    const report = await upstreams;
    const reachable = state.reachable();
    return { ...report, ready: report.ready && reachable, state: { store: state.kind, reachable } };
  };
  return {
    check(): Promise<ReadinessReport> {
      if (last && Date.now() - last.at < cacheMs) return withState(last.report);
      const report = Promise.all([...byOrigin].map(async ([origin, connections]) => ({ origin, connections, reachable: await canConnect(origin, timeoutMs) }))).then((origins) => {
        for (const o of origins) for (const c of o.connections) upstreamReachable.set({ connection: c }, o.reachable ? 1 : 0);
        const reachable = origins.filter((o) => o.reachable).length;
        return {
          ready: origins.length === 0 || reachable > 0,
          checkedAt: new Date().toISOString(),
          upstreams: { total: origins.length, reachable },
        };
      });
      last = { at: Date.now(), report };
      return withState(report);
    },
  };
}
