/** Not public API: a graphql-ws client on a test gateway, and a subscription's events collected for assertions. */
import { createClient, type Client, type ClientOptions } from 'graphql-ws';
import WebSocket from 'ws';

/** A graphql-ws client for `gatewayUrl` (http://host:port) authenticated with `apiKey`; it never retries. Dispose it when done. */
export function wsClientFor(gatewayUrl: string, apiKey: string, options: Partial<ClientOptions> = {}): Client {
  return createClient({ url: `${gatewayUrl.replace(/^http/, 'ws')}/graphql`, webSocketImpl: WebSocket, retryAttempts: 0, connectionParams: { authorization: `Bearer ${apiKey}` }, ...options });
}

/** What a subscription delivered, in order. */
export interface WsSink {
  events: Array<{ data?: any; errors?: any }>;
  errors: unknown[];
  completed: boolean;
  /** Ends the subscription. */
  dispose(): void;
}

export function subscribeWs(client: Client, query: string, variables: Record<string, unknown> = {}, operationName?: string): WsSink {
  const sink: WsSink = { events: [], errors: [], completed: false, dispose: () => undefined };
  sink.dispose = client.subscribe(
    { query, variables, ...(operationName ? { operationName } : {}) },
    {
      next: (v) => void sink.events.push(v as WsSink['events'][number]),
      error: (e) => void sink.errors.push(e),
      complete: () => void (sink.completed = true),
    },
  );
  return sink;
}
