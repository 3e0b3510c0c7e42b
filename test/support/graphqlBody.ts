/**
 * Test support. Every GraphQL error the gateway writes carries `extensions.requestId` (issue 12, item 5),
 * a fresh id per request. Tests that compare error bodies exactly call `withoutRequestIds` first; given the
 * answer's `x-request-id` it also checks that every error names that id, so the id is asserted wherever a
 * body is read this way (test/conformance/requestIds.test.ts checks it on every error path by itself).
 */
export function withoutRequestIds<T>(body: T, expectedId?: string | null): T {
  if (!body || typeof body !== 'object' || !Array.isArray((body as { errors?: unknown }).errors)) return body;
  const errors = (body as unknown as { errors: Array<Record<string, any>> }).errors.map((e) => {
    if (!e || typeof e !== 'object' || !e['extensions'] || !('requestId' in e['extensions'])) return e;
    const { requestId, ...extensions } = e['extensions'];
    if (expectedId != null && requestId !== expectedId) {
      throw new Error(`error ${JSON.stringify(e['message'])} names request ${JSON.stringify(requestId)}, the answer's x-request-id is ${JSON.stringify(expectedId)}`);
    }
    return { ...e, extensions };
  });
  return { ...body, errors };
}

/** A fetch answer's JSON body without its request ids, each checked against the answer's `x-request-id`. */
export async function bodyOf<T = any>(res: Response): Promise<T> {
  return withoutRequestIds((await res.json()) as T, res.headers.get('x-request-id'));
}
