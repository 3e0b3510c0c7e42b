/**
 * What the gateway reads from Ameyo's CRM URL calls (src/vendors/ameyo/crm.ts) and how it fills the tenant's page
 * template (src/domain/screenPops.ts): the dispose URL's `dispositionAttribute`, the parameters' alternate names,
 * and the SSO bodies.
 */
import { fillPageTemplate, screenPopEvent } from '../../src/domain/screenPops';
import { crmContextOf, parseDispositionAttribute, parseSsoRequest } from '../../src/vendors/ameyo/crm';

describe('dispositionAttribute', () => {
  it.each<[string | null, unknown]>([
    [null, null],
    ['', null],
    ['selfcallback', { kind: null, at: null, selfCallback: true }],
    ['local 2026-12-07 10:30', { kind: 'local', at: new Date('2026-12-07T10:30:00Z'), selfCallback: false }],
    ['customer 2026-12-07 10:30:15 selfcallback', { kind: 'customer', at: new Date('2026-12-07T10:30:15Z'), selfCallback: true }],
    ['AFTER 2026-12-07T08:00:00Z', { kind: 'after', at: new Date('2026-12-07T08:00:00Z'), selfCallback: false }],
    ['selfcallback local 2026-12-07 10:30', { kind: 'local', at: new Date('2026-12-07T10:30:00Z'), selfCallback: true }],
    ['tomorrow', { error: 'expected dispositionAttribute to be "local|customer|after <YYYY-MM-DD HH:MM[:SS]>" and/or "selfcallback", got "tomorrow"' }],
    ['local 2026-13-45 99:99', { error: 'dispositionAttribute has no valid date and time: "local 2026-13-45 99:99"' }],
  ])('%j', (attribute, expected) => {
    expect(parseDispositionAttribute(attribute)).toEqual(expected);
  });
});

describe('the parameters of a CRM URL call', () => {
  it("reads the document's names, and the dacx names of notes §3a when those are absent", () => {
    const q = new URLSearchParams({ userId: 'u1', dispositionCode: 'sale', selfCallback: 'true', customerCRTId: 'c9', dstPhone: '5550100' });
    expect(crmContextOf('DISPOSE', q)).toEqual({
      page: 'DISPOSE',
      sessionNativeId: null,
      campaignNativeId: null,
      crtObjectId: null,
      userCrtObjectId: null,
      userNativeId: 'u1',
      customerNativeId: 'c9',
      phone: '5550100',
      queueNativeId: null,
      queueName: null,
      disposition: 'sale',
      dispositionAttribute: 'selfcallback',
    });
    const both = crmContextOf('DISPOSE', new URLSearchParams({ disposition: 'callback', dispositionCode: 'sale', dispositionAttribute: 'local 2026-12-07 10:30', selfCallback: 'true' }));
    expect([both.disposition, both.dispositionAttribute]).toEqual(['callback', 'local 2026-12-07 10:30 selfcallback']);
  });

  it('a dispose URL is DISPOSED, every other page a SCREEN_POP, with the call and the agent named', () => {
    const q = new URLSearchParams({ crtObjectId: 'd865-1-vce-2', userId: 'u1' });
    expect(screenPopEvent('c', crmContextOf('DISPOSE', q))).toMatchObject({ type: 'DISPOSED', callNativeId: 'd865-1-vce-2', agentNativeId: 'u1', call: null });
    expect(screenPopEvent('c', crmContextOf('PREVIEW', q))).toMatchObject({ type: 'SCREEN_POP' });
  });

  it('fills a template with every value percent-encoded, and empty for what the call does not have', () => {
    const context = crmContextOf('KNOWLEDGE_BASE', new URLSearchParams({ userId: 'a b&c', queueName: 'x/y?z#' }));
    expect(fillPageTemplate('https://crm.example/{page}/{userId}?q={queueName}&c={crtObjectId}', context)).toBe('https://crm.example/knowledge-base/a%20b%26c?q=x%2Fy%3Fz%23&c=');
  });
});

describe('the SSO API bodies', () => {
  const json = (v: unknown) => Buffer.from(JSON.stringify(v));
  it("takes the document's JSON and form samples, login and logout", () => {
    expect(parseSsoRequest('application/json', json({ password: 'agent', userId: 'agent', command: 'login' }))).toEqual({ command: 'login', userId: 'agent', password: 'agent' });
    expect(parseSsoRequest('application/x-www-form-urlencoded; charset=UTF-8', Buffer.from(`request=${encodeURIComponent('{"password":"admin","userId":"admin4","command":"login"}')}`))).toEqual({
      command: 'login',
      userId: 'admin4',
      password: 'admin',
    });
    expect(parseSsoRequest('application/json', json({ command: 'logout', crmSessionId: 'crm-1234-hjsdch' }))).toEqual({ command: 'logout', crmSessionId: 'crm-1234-hjsdch' });
  });

  it.each<[string | undefined, string, string]>([
    [undefined, '{}', 'expected Content-Type application/json or application/x-www-form-urlencoded'],
    ['application/json', '[1]', 'expected a JSON object with command'],
    ['application/json', '{"command":"logout"}', 'logout needs crmSessionId'],
    ['application/json', '{"command":"login","userId":"a","password":""}', 'login needs userId and password'],
    ['application/x-www-form-urlencoded', 'request=%7B', 'the request is not valid JSON'],
  ])('%s %s: %s', (type, body, error) => {
    expect(parseSsoRequest(type, Buffer.from(body))).toEqual({ error });
  });
});
