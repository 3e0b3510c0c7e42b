/**
 * Not public API. The probes: `GET /healthz` (the process answers) and `GET /readyz` (config loaded,
 * vendors reachable, and not shutting down: readiness turns 503 the moment a drain begins, so a load
 * balancer stops sending before the listener closes).
 */
import type { createReadiness } from '../../readiness';
import { sendJson } from '../respond';
import type { Route } from '../router';

export interface HealthRouteOptions {
  readiness: ReturnType<typeof createReadiness>;
  isDraining(): boolean;
}

export function createHealthRoutes(opts: HealthRouteOptions): Route[] {
  return [
    { name: 'healthz', path: '/healthz', methods: ['GET'], handle: ({ res }) => sendJson(res, 200, { status: 'ok' }) },
    {
      name: 'readyz',
      path: '/readyz',
      methods: ['GET'],
      async handle({ res }) {
        if (opts.isDraining()) return sendJson(res, 503, { ready: false, draining: true });
        const report = await opts.readiness.check();
        return sendJson(res, report.ready ? 200 : 503, report);
      },
    },
  ];
}
