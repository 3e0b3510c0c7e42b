/**
 * The GraphQL-over-HTTP spec, audited by graphql-http's `serverAudits` against our /graphql over real HTTP
 * (notes/hardening-and-libraries.md §2.1). Every MUST and every SHOULD passes (issue 12: parse, validation
 * and coercion errors in application/json answer 200, src/http/graphqlAnswer.ts). Accepted MAY results are
 * listed below by audit id with the reason, and a new one fails this test until it is looked at.
 */
import { serverAudits } from 'graphql-http';
import { KEY_A, startStack, type Stack } from '../support/stack';

let stack: Stack;
beforeAll(async () => {
  // BF61 queries __type: the audited server runs with introspection on (it is off by default).
  stack = await startStack({
    sims: { ameyo: { requestsPerSecond: 0 }, appsApi: { requestsPerSecond: 0 }, campaignApi: { requestsPerSecond: 0 } },
    server: { introspection: true },
  });
});
afterAll(() => stack.close());

/** Every audit request carries the tenant key (the audits send no auth of their own). */
const fetchWithKey: typeof fetch = (input, init) => {
  const headers = new Headers(init?.headers);
  headers.set('authorization', `Bearer ${KEY_A}`);
  return fetch(input, { ...init, headers });
};

const audits = serverAudits({ url: () => stack.graphqlUrl, fetchFn: fetchWithKey });

/** MAY results we accept, by audit id, and why. Anything else not 'ok' fails, every SHOULD included. */
const ACCEPTED: Record<string, string> = {
  '5A70': 'MAY accept url-encoded GETs: Apollo CSRF prevention refuses GETs without a preflight header (kept on: notes §1.3)',
  D6D5: 'MAY allow url-encoded {variables} in GETs: refused by CSRF prevention, as above',
  '6A70': 'MAY allow url-encoded {variables} in GETs: refused by CSRF prevention, as above',
};

describe('GraphQL over HTTP (graphql-http server audits)', () => {
  it('has unique audit ids', () => {
    expect(new Set(audits.map((a) => a.id)).size).toBe(audits.length);
  });
  for (const audit of audits) {
    it(`${audit.id} ${audit.name}`, async () => {
      const result = await audit.fn();
      // 'ok', or a MAY warning accepted above with its reason; anything else fails with the audit's own reason.
      const accepted = result.status !== 'ok' && result.status !== 'error' && ACCEPTED[audit.id] !== undefined && audit.name.startsWith('MAY ');
      expect(result.status === 'ok' || accepted ? 'ok' : `${result.status}: ${result.reason}`).toBe('ok');
    });
  }
});
