/**
 * Screen-pops (issue 17, item 3): a vendor's embedded browser asked the gateway, as the tenant's CRM, for a page
 * about a call. The call's and agent's context becomes a `callEvents` event on the tenant's live bus, and the
 * answer is the tenant's own CRM page (a redirect to its template) or a minimal page of the context. Vendor
 * neutral: the parameters arrive as a `ScreenPopContext` (src/vendors/ameyo/crm.ts reads Ameyo's).
 */
import type { LiveBus } from '../live/bus';
import type { CallEventType, CallLiveEvent, ScreenPopContext } from '../live/events';

/** The event a CRM page call publishes: a disposition is DISPOSED, every other page a SCREEN_POP. */
export function screenPopEvent(connectionId: string, context: ScreenPopContext, at = new Date()): CallLiveEvent {
  const type: CallEventType = context.page === 'DISPOSE' ? 'DISPOSED' : 'SCREEN_POP';
  return { topic: 'callEvents', connectionId, type, at, callNativeId: context.crtObjectId, agentNativeId: context.userNativeId, call: null, screenPop: context };
}

export function publishScreenPop(bus: LiveBus, tenantId: string, connectionId: string, context: ScreenPopContext): CallLiveEvent {
  const event = screenPopEvent(connectionId, context);
  bus.publish(tenantId, event);
  return event;
}

/** The template's placeholders and the context field each takes its value from. */
const FIELDS: Readonly<Record<string, (c: ScreenPopContext) => string | null>> = {
  page: (c) => c.page.toLowerCase().replace('_', '-'),
  sessionId: (c) => c.sessionNativeId,
  campaignId: (c) => c.campaignNativeId,
  crtObjectId: (c) => c.crtObjectId,
  userCrtObjectId: (c) => c.userCrtObjectId,
  userId: (c) => c.userNativeId,
  customerId: (c) => c.customerNativeId,
  phone: (c) => c.phone,
  queueId: (c) => c.queueNativeId,
  queueName: (c) => c.queueName,
  disposition: (c) => c.disposition,
  dispositionAttribute: (c) => c.dispositionAttribute,
};

/** The template with each `{placeholder}` replaced by its value, percent-encoded (empty when the call has none). */
export function fillPageTemplate(template: string, context: ScreenPopContext): string {
  return template.replace(/\{([A-Za-z]+)\}/g, (whole, name: string) => (Object.hasOwn(FIELDS, name) ? encodeURIComponent(FIELDS[name]!(context) ?? '') : whole));
}

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);

/** The page answered when the tenant set no template: the context as a table, every value escaped. */
export function minimalPage(context: ScreenPopContext, note?: string): string {
  const rows = Object.entries(FIELDS)
    .map(([name, read]) => [name, read(context)] as const)
    .filter(([, v]) => v !== null)
    .map(([name, v]) => `<tr><th>${escapeHtml(name)}</th><td>${escapeHtml(v!)}</td></tr>`)
    .join('');
  const title = context.page === 'DISPOSE' ? 'Call disposed' : context.page === 'KNOWLEDGE_BASE' ? 'Knowledge base' : 'Screen-pop';
  return `<!doctype html><html><head><meta charset="utf-8"><title>${title}</title></head><body><h1>${title}</h1>${note ? `<p>${escapeHtml(note)}</p>` : ''}<table>${rows}</table></body></html>`;
}
