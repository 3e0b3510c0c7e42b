/**
 * The dialing service: dial, dispose, and dispose-and-dial for agents, each run once per idempotency key
 * in the caller's tenant's records; and the dial attempts those records keep.
 */
import { BadUserInputError, UpstreamError, UpstreamTimeoutError, UpstreamUnavailableError, isSwitchboardError, type SwitchboardError } from '../errors';
import { capabilityAt, memberAt } from './fanOut';
import { runIdempotent, type IdempotencyRecords } from './idempotency';
import type { DialResult, Dialer, RequestScope, Tenant, VendorKey } from './types';

/** A problem the caller can fix, as a mutation's payload carries it (`UserErrorCode` in the schema). */
export interface CommandUserError {
  field: string[] | null;
  message: string;
  code: 'BAD_USER_INPUT' | 'VENDOR_REFUSED';
}

/** What was dialled: the facts of a dial attempt that its record keeps beside the vendor's answer. */
export interface DialFacts {
  agentNativeId: string;
  campaignNativeId: string;
  phoneNumber: string;
  /** When the command was sent, ISO 8601. */
  requestedAt: string;
}

/**
 * A command's outcome, as the payload of the mutation that ran it. This is also what the idempotency
 * records keep (src/state/), so its shape is part of what a replay after an upgrade reads back.
 */
export interface CommandOutcome {
  accepted: boolean;
  vendorReason: string | null;
  userErrors: CommandUserError[];
  /** Dials only, once the command went to the vendor (accepted or refused): what was dialled, and when. */
  dial?: DialFacts;
}

/** The commands that dial, by the mutation that runs them (part of a dial attempt's id). */
export type DialCommand = 'callDial' | 'callDisposeAndDial';
const DIAL_COMMANDS: readonly string[] = ['callDial', 'callDisposeAndDial'] satisfies DialCommand[];

/**
 * One dial as the gateway sent it. The vendors answer a dial with no call id, so the attempt is what a
 * client can hold on to: it is the command's idempotency record, named by connection, command and key.
 */
export interface DialAttempt extends DialFacts {
  connectionId: string;
  vendor: VendorKey;
  command: DialCommand;
  idempotencyKey: string;
  accepted: boolean;
  vendorReason: string | null;
}

const fromResult = (r: DialResult): CommandOutcome =>
  r.success
    ? { accepted: true, vendorReason: r.reason, userErrors: [] }
    : { accepted: false, vendorReason: r.reason, userErrors: [{ field: null, message: r.reason ?? 'the vendor refused the command', code: 'VENDOR_REFUSED' }] };

/** The key a command is recorded under, and the input a repeat must match. */
export interface IdempotencyRequest {
  key: string;
  /** The mutation's whole input: the same key with a different input is IDEMPOTENCY_CONFLICT. */
  input: unknown;
}

/** A command's record key within the tenant: its connection, its mutation and the client's key. */
const recordKey = (connectionId: string, mutation: string, clientKey: string) => [connectionId, mutation, clientKey].join('\u0000');

/**
 * Runs a command once per idempotency key, in the tenant's records (the key is scoped there by connection
 * and mutation). A timeout or reset after sending is reported as such and never retried: the vendor may
 * have acted (notes/hardening-and-libraries.md §4). A dial's outcome keeps what was dialled (`dial`). A problem
 * with the input found before anything was sent is answered but not recorded: the caller fixes the input and sends
 * it again under the same key.
 */
async function once(
  records: IdempotencyRecords,
  tenantId: string,
  mutation: string,
  connectionId: string,
  req: IdempotencyRequest,
  work: () => Promise<DialResult>,
  dial?: Omit<DialFacts, 'requestedAt'>,
): Promise<CommandOutcome> {
  try {
    return await runIdempotent(records, tenantId, recordKey(connectionId, mutation, req.key), req.key, req.input, async () => {
      const requestedAt = new Date().toISOString();
      try {
        const outcome = fromResult(await work());
        return dial ? { ...outcome, dial: { ...dial, requestedAt } } : outcome;
      } catch (err) {
        const sent = isSwitchboardError(err) && !err.facts.notSent;
        if (sent && (err.code === 'UPSTREAM_UNAVAILABLE' || err.code === 'UPSTREAM_ERROR') && err.facts.upstreamStatus !== undefined && err.facts.upstreamStatus >= 500) {
          // The vendor answered 5xx after the command reached it: the record keeps this answer, so a repeat with the
          // same key answers it again; "retryable" would send the client round in that loop (issue 16, item 4).
          const message = `${err.message}. The command may have taken effect and was not retried; a repeat with this idempotencyKey answers this error again. Check the agent's call before trying again with a new idempotencyKey.`;
          const facts = { ...err.facts, retryable: false };
          throw err.code === 'UPSTREAM_UNAVAILABLE' ? new UpstreamUnavailableError(message, facts, { cause: err }) : new UpstreamError(message, facts, { cause: err });
        }
        if (sent && (err.code === 'UPSTREAM_TIMEOUT' || err.code === 'UPSTREAM_UNAVAILABLE')) {
          throw new UpstreamTimeoutError(
            `${err.facts.vendor ?? 'the vendor'} did not answer; the command may have reached it and was not retried. Check the agent's call before trying again with a new idempotencyKey.`,
            { ...err.facts, retryable: false },
            { cause: err },
          );
        }
        if (sent && err.code === 'BAD_USER_INPUT') return userErrorOutcome(err);
        throw err;
      }
    });
  } catch (err) {
    // A refusal that never left: runIdempotent has released its key, so the fixed input may use it again.
    if (isSwitchboardError(err) && err.code === 'BAD_USER_INPUT') return userErrorOutcome(err);
    throw err;
  }
}

/** A BAD_USER_INPUT as the outcome a payload carries, with the request field to blame when the error names one. */
function userErrorOutcome(err: SwitchboardError): CommandOutcome {
  const field = err instanceof BadUserInputError && err.field ? [...err.field] : null;
  return { accepted: false, vendorReason: null, userErrors: [{ field, message: err.message, code: 'BAD_USER_INPUT' }] };
}

/** A dial's outcome as its attempt, or null when nothing was dialled (a BAD_USER_INPUT before the vendor took it). */
function attemptOf(connectionId: string, vendor: VendorKey, command: DialCommand, idempotencyKey: string, outcome: CommandOutcome): DialAttempt | null {
  if (!outcome.dial) return null;
  return { ...outcome.dial, connectionId, vendor, command, idempotencyKey, accepted: outcome.accepted, vendorReason: outcome.vendorReason };
}

/** A dial's answer: the attempt (null when nothing was dialled) and the problems the caller can fix. */
export interface DialAnswer {
  attempt: DialAttempt | null;
  userErrors: CommandUserError[];
}

/** The dialer of one connection (UNSUPPORTED_BY_VENDOR without DIALER), each command under an idempotency key. */
export function dialerAt(tenant: Tenant, connectionId: string, records: IdempotencyRecords) {
  const { adapter, member: dialer } = capabilityAt(tenant, connectionId, 'DIALER');
  const run = (mutation: string, req: IdempotencyRequest, work: () => Promise<DialResult>, dial?: Omit<DialFacts, 'requestedAt'>) => once(records, tenant.id, mutation, connectionId, req, work, dial);
  const answer = (command: DialCommand, key: string, outcome: CommandOutcome): DialAnswer => ({
    attempt: attemptOf(connectionId, adapter.vendor, command, key, outcome),
    userErrors: outcome.userErrors,
  });
  return {
    async dial(idem: IdempotencyRequest, req: Parameters<Dialer['dial']>[0], scope: RequestScope): Promise<DialAnswer> {
      const facts = { agentNativeId: req.userId, campaignNativeId: req.campaignId, phoneNumber: req.phone };
      return answer('callDial', idem.key, await run('callDial', idem, () => dialer.dial(req, scope), facts));
    },
    dispose: (idem: IdempotencyRequest, req: Parameters<Dialer['dispose']>[0], scope: RequestScope): Promise<CommandOutcome> => run('callDispose', idem, () => dialer.dispose(req, scope)),
    async disposeAndDial(idem: IdempotencyRequest, req: Parameters<Dialer['disposeAndDial']>[0], scope: RequestScope): Promise<DialAnswer> {
      const facts = { agentNativeId: req.userId, campaignNativeId: req.campaignContextId, phoneNumber: req.phone };
      return answer('callDisposeAndDial', idem.key, await run('callDisposeAndDial', idem, () => dialer.disposeAndDial(req, scope), facts));
    },
  };
}

/**
 * A dial attempt read back from its record (no vendor call); null when the connection has no dialer, the
 * command is not a dial, or the record is unknown, expired, still running, or holds no dial.
 */
export async function getDialAttempt(tenant: Tenant, records: IdempotencyRecords, connectionId: string, command: string, idempotencyKey: string): Promise<DialAttempt | null> {
  const adapter = tenant.connections.get(connectionId);
  if (!adapter || !memberAt(tenant, connectionId, 'DIALER') || !DIAL_COMMANDS.includes(command)) return null;
  const outcome = await records.read(tenant.id, recordKey(connectionId, command, idempotencyKey));
  if (!outcome?.ok) return null;
  return attemptOf(connectionId, adapter.vendor, command as DialCommand, idempotencyKey, outcome.value as CommandOutcome);
}
