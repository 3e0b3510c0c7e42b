/** The recording service: whether a call has a recording (without downloading it), and the recording itself. */
import { capabilityAt, memberAt } from './fanOut';
import type { DownloadStream, RecordingFormat, RequestScope, Tenant } from './types';

/** The recording's type and size, or null when the vendor has none; UNSUPPORTED_BY_VENDOR without RECORDINGS. */
export function probeRecording(tenant: Tenant, connectionId: string, callNativeId: string, format: RecordingFormat, scope: RequestScope) {
  return capabilityAt(tenant, connectionId, 'RECORDINGS').member.probe(callNativeId, format, scope);
}

/** The recording as a stream, or null when the connection has no recordings or none for the call. */
export async function openRecording(tenant: Tenant, connectionId: string, callNativeId: string, format: RecordingFormat, scope: RequestScope): Promise<DownloadStream | null> {
  const source = memberAt(tenant, connectionId, 'RECORDINGS');
  return source ? source.open(callNativeId, format, scope) : null;
}
