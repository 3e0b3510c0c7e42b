/**
 * Contact lists (vendor-docs/apps-api.txt "Contact Lists 6"): the API user creates, edits and deletes custom contact
 * lists, and adds, edits and deletes entries of custom and global lists. The doc gives the URL variables (`id`,
 * `contact_list_id`) and nothing else: paths, bodies, answers and error texts are ours, all [U] (notes §1 "paths not
 * found"), mirrored in src/vendors/apps-api/routes.ts:
 *
 *   POST   /apps/api/v1/contact_lists                          { name, entries?: [{ name, phone_number }] }   201 the list
 *   PATCH  /apps/api/v1/contact_lists/:id  (and PUT)           { name }                                     200 the list
 *   DELETE /apps/api/v1/contact_lists/:id                                                                   204
 *   POST   /apps/api/v1/contact_lists/:contact_list_id/entries { entries: [{ name, phone_number }] }         201 the new entries
 *   PATCH  /apps/api/v1/contact_lists/:contact_list_id/entries/:id (and PUT)  { name?, phone_number? }      200 the entry
 *   DELETE /apps/api/v1/contact_lists/:contact_list_id/entries/:id                                          204
 *
 * The doc documents no list or read of contact lists, so there is none here. The global list takes entries but cannot
 * be renamed or deleted (only custom lists are, per the doc). Required fields missing answer the vendor's Rails
 * `ParameterMissing` text ("param is missing or the value is empty: <name>"); the other 400s are ours.
 */
import type { SimContext, SimReply } from '../common/server';
import { badRequest, notFoundRecord } from './errors';
import { isoAt, nextId, type AppsEnv, type RouteModule } from './env';
import { asId, bodyObject, given, isValidPhone } from './util';

export interface ContactListEntry {
  id: number;
  name: string;
  phone_number: string;
}

export interface ContactList {
  id: number;
  name: string;
  list_type: 'custom' | 'global';
  created_at: string;
  entries: ContactListEntry[];
}

/** 400 messages of these endpoints (ours, [U]). */
export const CONTACT_LISTS_400 = {
  missing: (name: string) => `param is missing or the value is empty: ${name}`,
  nameTaken: 'Name has already been taken',
  globalReadOnly: 'Only custom contact lists can be edited or deleted',
  entriesNotArray: 'entries must be a list of { name, phone_number }',
  entryName: (i: number) => `entries[${i}].name is missing`,
  entryPhone: (i: number) => `entries[${i}].phone_number is invalid`,
  phoneInvalid: 'phone_number is invalid',
  nothingToUpdate: 'Nothing to update: give name or phone_number',
} as const;

/** One global list and two custom lists, with entries (deterministic). */
export function buildContactLists(): ContactList[] {
  const at = '2026-09-15T12:00:00.000Z';
  return [
    {
      id: 1,
      name: 'Global directory',
      list_type: 'global',
      created_at: at,
      entries: [
        { id: 101, name: 'Front desk', phone_number: '+14155550100' },
        { id: 102, name: 'Escalations', phone_number: '+14155550102' },
      ],
    },
    { id: 2, name: 'Billing partners', list_type: 'custom', created_at: at, entries: [{ id: 201, name: 'Acme Billing', phone_number: '+16285550110' }] },
    {
      id: 3,
      name: 'Field technicians',
      list_type: 'custom',
      created_at: at,
      entries: [
        { id: 301, name: 'Dana North', phone_number: '+13125550120' },
        { id: 302, name: 'Eli South', phone_number: '+13125550121' },
      ],
    },
  ];
}

const view = (l: ContactList) => JSON.parse(JSON.stringify(l)) as ContactList;

export const contactListRoutes: RouteModule = (env: AppsEnv) => {
  const { state } = env;
  const lists = () => state.contactLists;
  const findList = (raw: string | undefined) => lists().find((l) => l.id === asId(raw));
  const nextEntryId = () =>
    nextId(
      lists().flatMap((l) => l.entries),
      1000,
    );
  const nameTaken = (name: string, except?: ContactList) => lists().some((l) => l !== except && l.name.toLowerCase() === name.toLowerCase());

  /** Checks `entries` (a non-empty array of {name, phone_number}); the cleaned entries or a reply. */
  function readEntries(raw: unknown, required: boolean): Array<{ name: string; phone_number: string }> | { reply: SimReply } {
    if (raw === undefined || raw === null) return required ? { reply: badRequest(CONTACT_LISTS_400.missing('entries')) } : [];
    if (!Array.isArray(raw)) return { reply: badRequest(CONTACT_LISTS_400.entriesNotArray) };
    if (required && raw.length === 0) return { reply: badRequest(CONTACT_LISTS_400.missing('entries')) };
    const out: Array<{ name: string; phone_number: string }> = [];
    for (const [i, e] of raw.entries()) {
      if (e === null || typeof e !== 'object' || Array.isArray(e)) return { reply: badRequest(CONTACT_LISTS_400.entriesNotArray) };
      const r = e as Record<string, unknown>;
      if (!given(r.name) || typeof r.name !== 'string') return { reply: badRequest(CONTACT_LISTS_400.entryName(i)) };
      if (!isValidPhone(r.phone_number)) return { reply: badRequest(CONTACT_LISTS_400.entryPhone(i)) };
      out.push({ name: r.name.trim(), phone_number: r.phone_number.trim() });
    }
    return out;
  }

  function updateList(ctx: SimContext): SimReply {
    const list = findList(ctx.params.id);
    if (!list) return notFoundRecord();
    if (list.list_type !== 'custom') return badRequest(CONTACT_LISTS_400.globalReadOnly);
    const body = bodyObject(ctx);
    if (!given(body.name) || typeof body.name !== 'string') return badRequest(CONTACT_LISTS_400.missing('name'));
    if (nameTaken(body.name.trim(), list)) return badRequest(CONTACT_LISTS_400.nameTaken);
    list.name = body.name.trim();
    return { status: 200, body: view(list) };
  }

  function updateEntry(ctx: SimContext): SimReply {
    const list = findList(ctx.params.contact_list_id);
    const entry = list?.entries.find((e) => e.id === asId(ctx.params.id));
    if (!list || !entry) return notFoundRecord();
    const body = bodyObject(ctx);
    if (body.name === undefined && body.phone_number === undefined) return badRequest(CONTACT_LISTS_400.nothingToUpdate);
    if (body.name !== undefined && (!given(body.name) || typeof body.name !== 'string')) return badRequest(CONTACT_LISTS_400.missing('name'));
    if (body.phone_number !== undefined && !isValidPhone(body.phone_number)) return badRequest(CONTACT_LISTS_400.phoneInvalid);
    if (typeof body.name === 'string') entry.name = body.name.trim();
    if (typeof body.phone_number === 'string') entry.phone_number = body.phone_number.trim();
    return { status: 200, body: { ...entry } };
  }

  return [
    {
      route: 'POST /apps/api/v1/contact_lists',
      handler: (ctx) => {
        const body = bodyObject(ctx);
        if (!given(body.name) || typeof body.name !== 'string') return badRequest(CONTACT_LISTS_400.missing('name'));
        if (nameTaken(body.name.trim())) return badRequest(CONTACT_LISTS_400.nameTaken);
        const entries = readEntries(body.entries, false);
        if (!Array.isArray(entries)) return entries.reply;
        const list: ContactList = { id: nextId(lists()), name: body.name.trim(), list_type: 'custom', created_at: isoAt(env.now()), entries: [] };
        for (const e of entries) list.entries.push({ id: nextEntryId() + list.entries.length, ...e });
        lists().push(list);
        return { status: 201, body: view(list) };
      },
    },
    { route: 'PATCH /apps/api/v1/contact_lists/:id', handler: updateList },
    { route: 'PUT /apps/api/v1/contact_lists/:id', handler: updateList },
    {
      route: 'DELETE /apps/api/v1/contact_lists/:id',
      handler: (ctx) => {
        const list = findList(ctx.params.id);
        if (!list) return notFoundRecord();
        if (list.list_type !== 'custom') return badRequest(CONTACT_LISTS_400.globalReadOnly);
        state.contactLists = lists().filter((l) => l !== list);
        return { status: 204 };
      },
    },
    {
      route: 'POST /apps/api/v1/contact_lists/:contact_list_id/entries',
      handler: (ctx) => {
        const list = findList(ctx.params.contact_list_id);
        if (!list) return notFoundRecord();
        const entries = readEntries(bodyObject(ctx).entries, true);
        if (!Array.isArray(entries)) return entries.reply;
        const first = nextEntryId();
        const added = entries.map((e, i) => ({ id: first + i, ...e }));
        list.entries.push(...added);
        return { status: 201, body: added.map((e) => ({ ...e })) };
      },
    },
    { route: 'PATCH /apps/api/v1/contact_lists/:contact_list_id/entries/:id', handler: updateEntry },
    { route: 'PUT /apps/api/v1/contact_lists/:contact_list_id/entries/:id', handler: updateEntry },
    {
      route: 'DELETE /apps/api/v1/contact_lists/:contact_list_id/entries/:id',
      handler: (ctx) => {
        const list = findList(ctx.params.contact_list_id);
        const entry = list?.entries.find((e) => e.id === asId(ctx.params.id));
        if (!list || !entry) return notFoundRecord();
        list.entries = list.entries.filter((e) => e !== entry);
        return { status: 204 };
      },
    },
  ];
};
