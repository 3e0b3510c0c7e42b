/**
 * docs/grafana/switchboard.json can not rot: every metric name in its expressions and variable queries is
 * one the registry of src/metrics.ts holds (a `_bucket`, `_sum` or `_count` name must belong to a
 * histogram), every panel reads the Prometheus datasource variable, and the operator's questions of issue
 * 12 item 6 each have a panel.
 */
import fs from 'node:fs';
import path from 'node:path';
import { registry } from '../../src/metrics';

interface Target {
  expr?: string;
  datasource?: { type?: string; uid?: string };
}
interface Panel {
  id: number;
  type: string;
  title: string;
  datasource?: { type?: string; uid?: string };
  targets?: Target[];
  panels?: Panel[];
}
interface Dashboard {
  uid: string;
  panels: Panel[];
  templating: { list: Array<{ type: string; name: string; query: unknown; datasource?: { uid?: string } }> };
}

const dashboard = JSON.parse(fs.readFileSync(path.join(__dirname, '../../docs/grafana/switchboard.json'), 'utf8')) as Dashboard;
const allPanels = (panels: Panel[]): Panel[] => panels.flatMap((p) => [p, ...allPanels(p.panels ?? [])]);
const panels = allPanels(dashboard.panels).filter((p) => p.type !== 'row');
const exprs = panels.flatMap((p) => (p.targets ?? []).map((t) => t.expr ?? ''));
const variableQueries = dashboard.templating.list.filter((v) => v.type === 'query').map((v) => JSON.stringify(v.query));
const METRIC = /\bswitchboard_[A-Za-z0-9_:]+/g;
const namesIn = (texts: string[]) => [...new Set(texts.flatMap((t) => t.match(METRIC) ?? []))].sort();

describe('docs/grafana/switchboard.json', () => {
  it('uses only metric names the registry has', async () => {
    const registered = new Map((await registry.getMetricsAsJSON()).map((m) => [m.name, String(m.type)]));
    const unknown: string[] = [];
    for (const name of namesIn([...exprs, ...variableQueries])) {
      if (registered.has(name)) continue;
      const base = /^(.*)_(bucket|sum|count)$/.exec(name)?.[1];
      if (base && registered.get(base) === 'histogram') continue;
      unknown.push(name);
    }
    expect(unknown).toEqual([]);
    expect(exprs.length).toBeGreaterThanOrEqual(15);
  });

  it('reads every panel and query from the Prometheus datasource variable', () => {
    const variable = dashboard.templating.list.find((v) => v.type === 'datasource');
    expect(variable).toMatchObject({ name: 'datasource', query: 'prometheus' });
    const elsewhere = [
      ...panels.filter((p) => p.datasource?.uid !== '${datasource}').map((p) => `panel ${p.title}`),
      ...panels.flatMap((p) => (p.targets ?? []).filter((t) => t.datasource?.uid !== '${datasource}').map(() => `a target of ${p.title}`)),
      ...dashboard.templating.list.filter((v) => v.type === 'query' && v.datasource?.uid !== '${datasource}').map((v) => `variable ${v.name}`),
    ];
    expect(elsewhere).toEqual([]);
    expect(new Set(allPanels(dashboard.panels).map((p) => p.id)).size).toBe(allPanels(dashboard.panels).length);
  });

  it.each([
    ['request rate and errors by tenant', 'switchboard_graphql_requests_total'],
    ['GraphQL latency p50/p99', 'switchboard_graphql_request_duration_seconds_bucket'],
    ['upstream requests by status', 'switchboard_upstream_requests_total'],
    ['rate-limiter queue wait p99', 'switchboard_rate_limiter_queue_wait_seconds_bucket'],
    ['rate-limiter queue depth', 'switchboard_rate_limiter_queue_depth'],
    ['breaker state', 'switchboard_circuit_breaker_state'],
    ['retries', 'switchboard_upstream_retries_total'],
    ['cache hit ratio (hits)', 'switchboard_upstream_cache_hits_total'],
    ['cache hit ratio (misses)', 'switchboard_upstream_cache_misses_total'],
    ['coalesced reads', 'switchboard_upstream_coalesced_requests_total'],
    ['HTTP responses by status class', 'switchboard_http_responses_total'],
  ])('has a panel for %s (%s)', (_what, metric) => {
    expect(namesIn(exprs)).toContain(metric);
  });
});
