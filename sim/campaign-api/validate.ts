// Input checks of the campaign API. Every failure is the doc's one 400 ("The information sent is invalid."),
// so these return null (or undefined) instead of saying what was wrong.
import { LEAD_STATUSES, type LeadStatus } from './seed';
import type { NewLead } from './store';

/** Page sizes (`page_size` on the leads list, `pageSize` on the history report). */
export const DEFAULT_PAGE_SIZE = 100;
export const MAX_PAGE_SIZE = 1000;

/**
 * A page size: absent -> the default (100); otherwise a plain decimal integer 1..1000, else null (400).
 * Our assumption: the doc names the parameters but gives no default or bounds; an empty value is invalid.
 */
export function parsePageSize(raw: string | null): number | null {
  if (raw === null) return DEFAULT_PAGE_SIZE;
  if (!/^[0-9]{1,7}$/.test(raw)) return null;
  const n = Number(raw);
  return n >= 1 && n <= MAX_PAGE_SIZE ? n : null;
}

/** Values above this are milliseconds, not seconds (1e12 s is the year 33658; 1e12 ms is 2001-09-09). */
export const MS_THRESHOLD = 1e12;

/**
 * A history-report date in Unix seconds (notes §2: clients send `startDate`/`endDate` in Unix seconds). The doc's
 * sample URL has an `endDate` in milliseconds (1652978220220), so a value above 1e12 is read as milliseconds and
 * divided by 1000 (our assumption). Only plain non-negative decimal integers are accepted; anything else is null.
 */
export function parseUnixTime(raw: string | null): number | null {
  if (raw === null || !/^[0-9]{1,16}$/.test(raw)) return null;
  const n = Number(raw);
  return n > MS_THRESHOLD ? n / 1000 : n;
}

export function isLeadStatus(value: string): value is LeadStatus {
  return (LEAD_STATUSES as readonly string[]).includes(value);
}

/** `number` after removing spaces and dashes: an optional "+" then 7..15 digits (E.164-ish; our assumption). */
export const LEAD_NUMBER = /^\+?[0-9]{7,15}$/;

/** The number as stored: spaces and dashes removed. Null when it is not E.164-ish. */
export function normalizeLeadNumber(raw: string): string | null {
  const compact = raw.replace(/[\s-]/g, '');
  return LEAD_NUMBER.test(compact) ? compact : null;
}

/** Defaults for omitted add-lead fields (our assumption; the doc lists the fields without defaults). */
export const ADD_LEAD_DEFAULTS = { retries: 0, priority: 1, cool_off: 0 } as const;

/**
 * The add-lead body (vendor doc "Add Lead to campaign": number, retries, first_name, last_name, type, priority,
 * ticket_id, note, cool_off), or null when it is invalid. Our assumptions where the doc is silent: the body must
 * be a JSON object; `number` is required (string, E.164-ish); `retries` is an integer 0..100, `priority` 1..10,
 * `cool_off` >= 0; the other fields are strings; `null` counts as the wrong type; unknown fields are ignored (as a
 * Go JSON decoder would).
 */
export function parseAddLeadBody(json: unknown): NewLead | null {
  if (json === null || typeof json !== 'object' || Array.isArray(json)) return null;
  const body = json as Record<string, unknown>;
  if (typeof body.number !== 'string') return null;
  const number = normalizeLeadNumber(body.number);
  if (number === null) return null;

  const int = (key: string, min: number, max: number, fallback: number): number | null => {
    const v = body[key];
    if (v === undefined) return fallback;
    return typeof v === 'number' && Number.isInteger(v) && v >= min && v <= max ? v : null;
  };
  const str = (key: string): string | null => {
    const v = body[key];
    if (v === undefined) return '';
    return typeof v === 'string' ? v : null;
  };

  const retries = int('retries', 0, 100, ADD_LEAD_DEFAULTS.retries);
  const priority = int('priority', 1, 10, ADD_LEAD_DEFAULTS.priority);
  const cool_off = int('cool_off', 0, Number.MAX_SAFE_INTEGER, ADD_LEAD_DEFAULTS.cool_off);
  const first_name = str('first_name');
  const last_name = str('last_name');
  const type = str('type');
  const ticket_id = str('ticket_id');
  const note = str('note');
  if (retries === null || priority === null || cool_off === null || first_name === null || last_name === null || type === null || ticket_id === null || note === null) {
    return null;
  }
  return { number, retries, first_name, last_name, priority, extras: { type, ticket_id, note, cool_off } };
}
