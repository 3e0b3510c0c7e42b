/** Closed-loop load over keep-alive HTTP/1.1, shared by the benchmarks that time one query. */
import http from 'node:http';
import { performance } from 'node:perf_hooks';

export interface ClosedLoopOptions {
  /** The endpoint (`http://127.0.0.1:port/graphql`), its query string included. */
  url: URL;
  /** Default POST. */
  method?: 'GET' | 'POST';
  requests: number;
  concurrency: number;
  headers: Record<string, string>;
  /** The POST body (ignored for a GET). */
  body: string;
  /** Throws when an answer is not what the benchmark expects (default: not 200). */
  check?: (status: number, body: string) => void;
}

/** `requests` requests (POST unless told), `concurrency` at a time; requests/s and each request's latency (ms, ascending). */
export async function closedLoop(opts: ClosedLoopOptions): Promise<{ rps: number; latencies: number[] }> {
  const { url, requests, concurrency, headers, body, method = 'POST' } = opts;
  const path = url.pathname + url.search;
  const check =
    opts.check ??
    ((status: number) => {
      if (status !== 200) throw new Error(`HTTP ${status}`);
    });
  const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
  const latencies: number[] = [];
  let next = 0;
  const one = () =>
    new Promise<void>((resolve, reject) => {
      const t0 = performance.now();
      const req = http.request({ host: url.hostname, port: url.port, path, method, agent, headers }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          try {
            check(res.statusCode ?? 0, Buffer.concat(chunks).toString('utf8'));
          } catch (err) {
            return reject(err);
          }
          latencies.push(performance.now() - t0);
          resolve();
        });
      });
      req.on('error', reject);
      req.end(method === 'GET' ? undefined : body);
    });
  const start = performance.now();
  try {
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (next++ < requests) await one();
      }),
    );
  } finally {
    agent.destroy();
  }
  return { rps: requests / ((performance.now() - start) / 1000), latencies: latencies.sort((a, b) => a - b) };
}
