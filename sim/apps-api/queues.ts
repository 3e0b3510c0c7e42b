/**
 * Queue read endpoints: wait times (vendor-docs/apps-api.txt "Wait Times"), queue status (notes §1 "Queue status
 * (newer)") and queue operation statuses (vendor doc "Queue Operation Statuses"; notes §1).
 */
import type { SimContext, SimReply } from '../common/server';
import { parseUtcTime } from './agents';
import { badRequest, MISSING_PARAMETER, notFoundRecord } from './errors';
import { isoAt, type AppsEnv, type RouteModule } from './env';
import type { AppsApiState, Menu, MenuQueue } from './seed';
import { asId } from './util';

export const QUEUES_400 = {
  langMissing: 'lang is missing',
  menuTypeInvalid: 'menu_type is invalid',
  channelTypeInvalid: 'channel_type is invalid',
  waitInvalid: (key: string) => `${key} is invalid`,
  callbackPeriodHoursInvalid: 'callback_period_hours is invalid',
  callbackStartFromInvalid: 'callback_start_from is invalid',
} as const;

const MENU_TYPES: ReadonlyArray<Menu['menu_type']> = ['ivr_menu', 'mobile_menu', 'web_menu'];

/**
 * Agent counts of a menu, from the live agents (our assumption): logged in = online agents in one of the menu's teams;
 * available = those in "Available"; breakthrough = the seeded per-menu number.
 */
function agentCounts(state: AppsApiState, q: MenuQueue) {
  const staff = state.agents.filter((a) => a.online && a.teams.some((t) => q.team_ids.includes(t.id)));
  return {
    logged_in_agents: staff.length,
    available_agents: staff.filter((a) => a.status === 'Available').length,
    breakthrough_agents: q.breakthrough_agents,
  };
}

function menuOf(state: AppsApiState, q: MenuQueue): Menu {
  return state.menus.find((m) => m.id === q.menu_id)!;
}

const inSubtree = (q: MenuQueue, root: MenuQueue) => q.materialized_path === root.materialized_path || q.materialized_path.startsWith(`${root.materialized_path}/`);

/** The `lang` (required) and `menu_type` (optional) filters that wait times and queue status share, or their 400. */
function languageAndMenuType(qs: URLSearchParams): { lang: string; menuType: string | null } | { reply: SimReply } {
  const lang = qs.get('lang')?.trim();
  if (!lang) return { reply: badRequest(QUEUES_400.langMissing) };
  const menuType = qs.get('menu_type')?.trim() || null;
  if (menuType !== null && !MENU_TYPES.includes(menuType as Menu['menu_type'])) return { reply: badRequest(QUEUES_400.menuTypeInvalid) };
  return { lang, menuType };
}

function waitTimes(env: AppsEnv, ctx: SimContext): SimReply {
  const { state } = env;
  const qs = ctx.query;
  const filter = languageAndMenuType(qs);
  if ('reply' in filter) return filter.reply;
  const { lang, menuType } = filter;
  const channel = qs.get('channel_type')?.trim() || null;
  if (channel !== null && channel !== 'voice_call' && channel !== 'chat') return badRequest(QUEUES_400.channelTypeInvalid);
  const bounds: Array<number | null> = [];
  for (const key of ['wait[from]', 'wait[to]']) {
    const raw = qs.get(key)?.trim();
    if (!raw) {
      bounds.push(null);
      continue;
    }
    if (!/^\d+$/.test(raw)) return badRequest(QUEUES_400.waitInvalid(key));
    bounds.push(Number(raw));
  }
  const [waitFrom, waitTo] = bounds as [number | null, number | null];
  // "Response will filter all menus in that menu's subtree, including that menu." An unknown menu_id matches nothing.
  let root: MenuQueue | null | undefined = null;
  if (qs.get('menu_id')?.trim()) {
    const id = asId(qs.get('menu_id'));
    root = state.menuQueues.find((q) => q.menu_id === id);
  }
  const rows = state.menuQueues
    .filter((q) => {
      if (q.lang !== lang) return false;
      if (root === undefined || (root !== null && !inSubtree(q, root))) return false;
      if (menuType !== null && menuOf(state, q).menu_type !== menuType) return false;
      // IVR menus have no chat channel (our assumption), so channel_type=chat leaves them out.
      if (channel === 'chat' && q.chat_ewt === null) return false;
      // wait[from]/wait[to]: "a wait greater/less than the value", on the channel asked for, else on either (our assumption).
      const waits = channel === 'chat' ? [q.chat_ewt] : channel === 'voice_call' ? [q.voice_call_ewt] : [q.voice_call_ewt, q.chat_ewt];
      const known = waits.filter((w): w is number => w !== null);
      if (waitFrom !== null && !known.some((w) => w > waitFrom)) return false;
      if (waitTo !== null && !known.some((w) => w < waitTo)) return false;
      return true;
    })
    .sort((a, b) => a.menu_id - b.menu_id)
    .map((q) => ({
      menu_id: q.menu_id,
      menu_type: menuOf(state, q).menu_type,
      chat: q.chat_ewt,
      voice_call: q.voice_call_ewt,
      materialized_path: q.materialized_path,
      ...agentCounts(state, q),
    }));
  return { status: 200, body: rows };
}

function queuesStatus(env: AppsEnv, ctx: SimContext): SimReply {
  const { state } = env;
  const qs = ctx.query;
  const filter = languageAndMenuType(qs);
  if ('reply' in filter) return filter.reply;
  const { lang, menuType } = filter;
  const ids = qs.getAll('menu_id[]').map((v) => asId(v));
  // Callback periods (our assumption for the undocumented `callback_periods[]` items): consecutive windows of
  // `callback_period_hours` (default 1, 1..24) covering 24 hours from `callback_start_from` (default: the current hour),
  // each with the menu's scheduled-callback estimate.
  const rawHours = qs.get('callback_period_hours')?.trim();
  let hours = 1;
  if (rawHours) {
    if (!/^\d+$/.test(rawHours) || Number(rawHours) < 1 || Number(rawHours) > 24) return badRequest(QUEUES_400.callbackPeriodHoursInvalid);
    hours = Number(rawHours);
  }
  const rawStart = qs.get('callback_start_from')?.trim();
  let startMs = Math.floor(env.now() / 3_600_000) * 3_600_000;
  if (rawStart) {
    startMs = parseUtcTime(rawStart);
    if (Number.isNaN(startMs)) return badRequest(QUEUES_400.callbackStartFromInvalid);
  }
  const periods = (q: MenuQueue) => {
    if (q.scheduled_callback_ewt === null) return [];
    const out = [];
    for (let t = startMs; t < startMs + 24 * 3_600_000; t += hours * 3_600_000) {
      out.push({ start_at: isoAt(t), end_at: isoAt(t + hours * 3_600_000), scheduled_callback_ewt: q.scheduled_callback_ewt });
    }
    return out;
  };
  const queues = state.menuQueues
    .filter((q) => q.lang === lang)
    .filter((q) => ids.length === 0 || ids.includes(q.menu_id))
    .filter((q) => menuType === null || menuOf(state, q).menu_type === menuType)
    .sort((a, b) => a.menu_id - b.menu_id)
    .map((q) => ({
      menu_id: q.menu_id,
      menu_type: menuOf(state, q).menu_type,
      lang: q.lang,
      materialized_path: q.materialized_path,
      current_queue_ewt: q.voice_call_ewt,
      scheduled_callback_ewt: q.scheduled_callback_ewt,
      ...agentCounts(state, q),
      callback_periods: periods(q),
    }));
  return { status: 200, body: { queues } };
}

function operationStatus(env: AppsEnv, ctx: SimContext): SimReply {
  const qs = ctx.query;
  const menuRaw = qs.get('menu_id')?.trim();
  const lang = qs.get('lang')?.trim();
  const channel = qs.get('channel_type')?.trim();
  if (!menuRaw || !lang || !channel) return badRequest(MISSING_PARAMETER);
  if (channel !== 'call' && channel !== 'chat') return badRequest(QUEUES_400.channelTypeInvalid); // our assumption (wording)
  const id = asId(menuRaw);
  const q = env.state.menuQueues.find((m) => m.menu_id === id);
  if (!q) return notFoundRecord();
  // Our assumption: the flags are per menu and the same for both channels; `lang` is echoed, not matched to the menu.
  // The key is `after_hour` as in the doc's example (the text says `after_hours`, notes §1).
  return { status: 200, body: { menu_id: q.menu_id, lang, channel_type: channel, after_hour: q.after_hour, overcapacity: q.overcapacity } };
}

export const queueRoutes: RouteModule = (env) => [
  { route: 'GET /apps/api/v1/wait_times', handler: (ctx) => waitTimes(env, ctx) },
  { route: 'GET /apps/api/v1/queues/status', handler: (ctx) => queuesStatus(env, ctx) },
  { route: 'GET /apps/api/v1/queue_operation_statuses', handler: (ctx) => operationStatus(env, ctx) },
];
