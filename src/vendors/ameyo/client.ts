/** The Ameyo wire client: requests by route name, envelopes unwrapped; no domain mapping. */
import type { AmeyoConnectionConfig } from '../../config/schema';
import { UpstreamError, type ErrorFacts } from '../../errors';
import type { Upstream } from '../../upstream/createUpstream';
import type { RequestScope, UpstreamResponse } from '../../upstream/types';
import { JsonObject, parseJsonKeepingDuplicates, type JsonValue } from '../jsonEntries';
import { callRoute, type QueryValue, type RouteCall, type RouteContext } from '../routes';
import type { z } from 'zod';
import { expectJson, parseWire, readOnce, readWire } from '../wire';
import { ameyoRoutes, type AmeyoFamily, type MonitoringTable } from './routes';
import { wireCommandResult, wireMonitoringEnvelope } from './types';

/** Rows per monitoring page we ask for (the doc's default `limit`). */
export const AMEYO_MONITORING_PAGE = 100;

export interface MonitoringQuery {
  offset?: number;
  limit?: number;
  /** `prop:asc` / `prop:desc`, repeatable. */
  sortBy?: readonly string[];
  /** Kebab-case filters as documented (`user-ids`, `campaign-ids`, `status`, ...). */
  filters?: Record<string, QueryValue>;
}

export interface MonitoringPage<Row = unknown> {
  rows: readonly Row[];
  /** `metadata.total` (some builds send it as a string: notes §3d). */
  total: number | null;
}

type Route = keyof typeof ameyoRoutes;

export class AmeyoClient {
  private readonly ctx: RouteContext<AmeyoFamily>;
  private readonly facts: ErrorFacts;

  constructor(
    upstream: Upstream,
    private readonly config: AmeyoConnectionConfig,
  ) {
    this.ctx = { send: upstream.send, baseUrls: config.baseUrls, cacheTtlMs: config.cacheTtlMs, overrides: config.routes };
    this.facts = { vendor: 'ameyo', connectionId: config.id };
  }

  private send(route: Route, scope: RequestScope, call: RouteCall = {}): Promise<UpstreamResponse> {
    return callRoute(this.ctx, ameyoRoutes, route, scope, call);
  }

  /**
   * `GET /v4/cc-list/{ccId}/monitoring/user-session-information?table-name=...`. With `rowSchema`, each row's
   * `data` is checked against it. Read once per response (`readOnce`): a cached page is not parsed again.
   */
  async monitoring<Row = unknown>(scope: RequestScope, table: MonitoringTable, q: MonitoringQuery = {}, rowSchema?: z.ZodType<Row>): Promise<MonitoringPage<Row>> {
    const res = await this.send('monitoring', scope, {
      params: { ccId: this.config.ccId },
      query: {
        'table-name': table,
        offset: q.offset ?? 0,
        limit: q.limit ?? AMEYO_MONITORING_PAGE,
        sort_by: q.sortBy,
        ...(q.filters ?? {}),
      },
    });
    const facts = { ...this.facts, route: 'monitoring' };
    return readOnce(res, rowSchema ?? wireMonitoringEnvelope, () => {
      const env = parseWire(wireMonitoringEnvelope, expectJson(res, facts), facts);
      const total = env.metadata?.total != null ? Number(env.metadata.total) : null;
      const rows = env.response.map((r) => (rowSchema ? parseWire(rowSchema, r.data, facts) : r.data) as Row);
      return { rows, total: Number.isFinite(total) ? total : null };
    });
  }

  /**
   * Streams a contact upload (ameyo-contact-upload.txt). The body is sent once: a stream cannot be
   * replayed. Answers the task id as the exact digits Ameyo printed.
   */
  async uploadContacts(scope: RequestScope, processId: string, leadId: string, contentType: string, body: AsyncIterable<Buffer>, timeoutMs: number): Promise<string> {
    const res = await this.send('uploadContacts', scope, {
      params: { ccId: this.config.ccId, processId, leadId },
      // The document's four headers: accept, authorization (the auth interceptor), content-type and origin.
      headers: { 'content-type': contentType, accept: '*/*', origin: this.config.uploadOrigin ?? new URL(this.config.baseUrls.cms).origin },
      body,
      timeoutMs,
    });
    const facts = { ...this.facts, route: 'uploadContacts', upstreamStatus: res.status };
    let env: JsonValue;
    try {
      env = parseJsonKeepingDuplicates(res.body.toString('utf8'), { exactIntegers: true });
    } catch {
      throw new UpstreamError('ameyo sent a response that is not valid JSON', facts);
    }
    // {metadata, method, response: [{data: {task_id}, http_code, error_data}], http_code, request_id}
    const first = env instanceof JsonObject ? (env.get('response') as JsonValue[] | undefined)?.[0] : undefined;
    const data = first instanceof JsonObject ? first.get('data') : undefined;
    const taskId = data instanceof JsonObject ? data.get('task_id') : undefined;
    if (typeof taskId !== 'string' && typeof taskId !== 'number') {
      const rowError = first instanceof JsonObject ? first.get('error_data') : undefined;
      throw new UpstreamError(`ameyo accepted the upload but sent no task_id${rowError ? ` (error_data: ${JSON.stringify(rowError)})` : ''}`, facts);
    }
    return String(taskId);
  }

  /** The error CSV of an upload task, read whole (for parsing) or streamed (for downloads). */
  errorFile(scope: RequestScope, processId: string, leadId: string, taskId: string, stream: boolean): Promise<UpstreamResponse> {
    return this.send('contactUploadErrorFile', scope, {
      params: { ccId: this.config.ccId, processId, leadId, taskId },
      headers: { accept: 'text/csv, */*' },
      ...(stream ? { responseType: 'stream' as const } : {}),
    });
  }

  /** A web-access or app-server command answering `{result, reason}`. */
  async command(
    route: 'clickToDial' | 'disposeCallForUser' | 'disposeAndManualDial',
    scope: RequestScope,
    json: unknown,
    headers: Record<string, string> = {},
  ): Promise<{ result: string; reason: string | null }> {
    const res = await this.send(route, scope, {
      json,
      headers,
      ...(route === 'clickToDial' ? { query: { command: 'clickToDialWithTokenAsync' } } : {}),
    });
    const facts = { ...this.facts, route };
    const body = readWire(res, wireCommandResult, facts);
    return { result: body.result, reason: body.reason ?? null };
  }

  /** `downloadVoiceLog`, streamed. Ameyo answers a JSON message (HTTP 200) when there is no recording. */
  voiceLog(scope: RequestScope, crtObjectId: string, targetFormat: 'wav' | 'mp3'): Promise<UpstreamResponse> {
    return this.send('downloadVoiceLog', scope, {
      query: { command: 'downloadVoiceLog', data: JSON.stringify({ crtObjectId, targetFormat }) },
      headers: { accept: 'audio/*, application/json' },
      responseType: 'stream',
      timeoutMs: 300_000,
    });
  }
}
