/**
 * createTokenAuth (src/upstream/auth.ts), the lifecycle the campaign API's login and Ameyo's provisioned user
 * share: why a token is obtained, which requests take it, and a failed early renewal. The vendor is a
 * handler here (what it answers to which token); the chains over real HTTP are in test/unit/upstream.test.ts
 * and test/integration/ameyoCredentials.test.ts.
 */
import { createTokenAuth, type IssuedToken, type ObtainReason } from '../../src/upstream/auth';
import type { UpstreamRequest, UpstreamResponse } from '../../src/upstream/types';
import { UpstreamError, UpstreamUnavailableError } from '../../src/errors';

const request = (route: string): UpstreamRequest => ({ method: 'GET', url: new URL(`https://vendor.example.com/${route}`), route, headers: {}, scope: { deadlineAt: Date.now() + 10_000 } });
const answer = (status: number): UpstreamResponse => ({ status, headers: {}, body: Buffer.alloc(0) }) as UpstreamResponse;

/** A vendor that accepts only the tokens in `valid`, and logs what each request carried. */
function vendor(valid: Set<string>) {
  const seen: Array<{ route: string; authorization: string | undefined }> = [];
  const next = async (req: UpstreamRequest) => {
    seen.push({ route: req.route, authorization: req.headers['authorization'] });
    return answer(req.headers['authorization'] === undefined || valid.has(req.headers['authorization']) ? 200 : 401);
  };
  return { seen, next };
}

describe('createTokenAuth', () => {
  it('says why it obtains a token: first, expiring (within refreshSkewMs), unauthorized (after a 401)', async () => {
    const reasons: ObtainReason[] = [];
    const valid = new Set<string>();
    let n = 0;
    // Token 1 expires in 500 ms, inside the 1 s skew: the next request renews it.
    const lifetimes = [500, 60_000, 60_000];
    const auth = createTokenAuth({
      obtainToken: async (_scope, reason) => {
        reasons.push(reason);
        const token = `t${++n}`;
        valid.add(token);
        return { token, expiresAt: Date.now() + lifetimes[n - 1]! };
      },
      applyToken: (headers, token) => ({ ...headers, authorization: token }),
      refreshSkewMs: 1_000,
    });
    const v = vendor(valid);
    const send = auth.interceptor(v.next);
    expect((await send(request('a'))).status).toBe(200);
    expect((await send(request('b'))).status).toBe(200);
    valid.delete('t2'); // the vendor drops token 2
    expect((await send(request('c'))).status).toBe(200);
    expect(reasons).toEqual(['first', 'expiring', 'unauthorized']);
    expect(v.seen).toEqual([
      { route: 'a', authorization: 't1' },
      { route: 'b', authorization: 't2' },
      { route: 'c', authorization: 't2' },
      { route: 'c', authorization: 't3' },
    ]);
  });

  it('a failed early renewal keeps using the held token until it expires, then the failure surfaces', async () => {
    let n = 0;
    const down = new UpstreamUnavailableError('vendor is unavailable (HTTP 503)');
    let expiresAt = 0;
    const auth = createTokenAuth({
      obtainToken: async (): Promise<IssuedToken> => {
        if (++n > 1) throw down;
        expiresAt = Date.now() + 500;
        return { token: 't1', expiresAt };
      },
      applyToken: (headers, token) => ({ ...headers, authorization: token }),
      refreshSkewMs: 1_000,
    });
    const v = vendor(new Set(['t1']));
    const send = auth.interceptor(v.next);
    expect((await send(request('a'))).status).toBe(200);
    expect((await send(request('b'))).status).toBe(200); // renewal failed; t1 still valid
    expect(n).toBe(2);
    expect(v.seen.map((s) => s.authorization)).toEqual(['t1', 't1']);

    const realNow = Date.now;
    Date.now = () => expiresAt; // t1 has expired
    try {
      await expect(send(request('c'))).rejects.toBe(down);
    } finally {
      Date.now = realNow;
    }
    expect(v.seen).toHaveLength(2);
  });

  it('requests appliesTo leaves out get no token and no renewal on their 401', async () => {
    let n = 0;
    const auth = createTokenAuth({
      obtainToken: async () => ({ token: `t${++n}`, expiresAt: Date.now() + 60_000 }),
      applyToken: (headers, token) => ({ ...headers, authorization: token }),
      appliesTo: (req) => req.route !== 'other',
    });
    const next = async (req: UpstreamRequest) => answer(req.route === 'other' ? 401 : 200);
    const send = auth.interceptor(next);
    expect((await send(request('other'))).status).toBe(401);
    expect(n).toBe(0);
    expect((await send(request('mine'))).status).toBe(200);
    expect(n).toBe(1);
  });
  it("answers the vendor's refusal of the credentials (401/403) from memory for refusedHoldMs; other failures are tried again", async () => {
    let logins = 0;
    const refusal = new UpstreamError("vendor refused the connection's credentials (HTTP 401)", { upstreamStatus: 401 });
    const down = new UpstreamUnavailableError('vendor is unavailable (HTTP 503)', { upstreamStatus: 503 });
    let failWith: Error = refusal;
    const auth = createTokenAuth({
      obtainToken: async () => {
        logins++;
        throw failWith;
      },
      applyToken: (headers, token) => ({ ...headers, authorization: token }),
    });
    const send = auth.interceptor(vendor(new Set()).next);
    await expect(send(request('a'))).rejects.toBe(refusal);
    await expect(send(request('b'))).rejects.toBe(refusal);
    expect(logins).toBe(1);
    // An operator's change (a new token in the config) starts over.
    auth.invalidate();
    failWith = down;
    await expect(send(request('c'))).rejects.toBe(down);
    await expect(send(request('d'))).rejects.toBe(down);
    expect(logins).toBe(3);
  });
});
