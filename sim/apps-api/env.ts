/** What the Apps API simulator's route modules share: the live state, the clock, and request helpers. */
import type { SimContext, SimRoute } from '../common/server';
import type { AppsApiState } from './seed';

export interface AppsEnv {
  state: AppsApiState;
  /** Milliseconds since the epoch (the `now` option; real time by default). */
  now(): number;
  /** The request's origin for absolute URLs (Host header, else the simulator's own address). */
  origin(ctx: SimContext): string;
  /** HS256 key for `signed_data` (the `companySecret` option). */
  companySecret: string;
}

export type RouteModule = (env: AppsEnv) => SimRoute[];

export const isoAt = (ms: number): string => new Date(ms).toISOString();

/** Next id after the largest in `items` (or `floor` when that is larger). */
export function nextId(items: ReadonlyArray<{ id: number }>, floor = 0): number {
  let max = floor;
  for (const item of items) if (item.id > max) max = item.id;
  return max + 1;
}
