/** Not public API: reading one series of the gateway's /metrics page, for tests that wait on what the gateway counted. */

/**
 * The value of the series of `name` whose labels include every pair in `labels` (others may be there too),
 * read from `GET <gatewayUrl>/metrics` (served to loopback clients by default); undefined when there is no
 * such series yet (prom-client prints a labelled series once it has been touched).
 */
export async function metricValue(gatewayUrl: string, name: string, labels: Record<string, string>): Promise<number | undefined> {
  const res = await fetch(`${gatewayUrl}/metrics`);
  if (res.status !== 200) throw new Error(`expected GET /metrics to answer 200, got ${res.status}`);
  const text = await res.text();
  for (const line of text.split('\n')) {
    const match = /^([A-Za-z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    const have = new Map([...(match[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((m) => [m[1]!, m[2]!]));
    if (Object.entries(labels).every(([k, v]) => have.get(k) === v)) return Number(match[3]);
  }
  return undefined;
}
