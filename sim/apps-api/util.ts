/**
 * Helpers for the Apps API simulator's write endpoints: request bodies, phone numbers, a multipart/form-data reader,
 * HS256 JWTs and IP address matching. Kept local to sim/apps-api (nothing here is vendor-neutral enough for sim/common).
 */
import crypto from 'node:crypto';
import net from 'node:net';
import type { SimContext } from '../common/server';

/** The request body as an object; `{}` when it is empty, not JSON, or not a JSON object. */
export function bodyObject(ctx: SimContext): Record<string, unknown> {
  const j = ctx.json;
  return j !== null && typeof j === 'object' && !Array.isArray(j) ? (j as Record<string, unknown>) : {};
}

/** A value counts as given when it is not undefined, null, or a blank string. */
export function given(v: unknown): boolean {
  if (v === undefined || v === null) return false;
  if (typeof v === 'string') return v.trim() !== '';
  return true;
}

/** A given string or number, as a trimmed string; null otherwise. */
export function asText(v: unknown): string | null {
  if (typeof v === 'string') return v.trim() === '' ? null : v.trim();
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  return null;
}

/** An integer id from a path segment or a body value (number or digit string); null otherwise. */
export function asId(v: unknown): number | null {
  if (typeof v === 'number') return Number.isSafeInteger(v) && v > 0 ? v : null;
  if (typeof v === 'string' && /^\d+$/.test(v.trim())) {
    const n = Number(v.trim());
    return Number.isSafeInteger(n) && n > 0 ? n : null;
  }
  return null;
}

/** Phone numbers compare after removing spaces, dashes and parentheses (our assumption, see index.ts). */
export function normalizePhone(v: string): string {
  return v.replace(/[\s\-()]/g, '');
}

/** "E.164-ish": after normalizing, an optional `+` and 7 to 15 digits (our assumption). */
export function isValidPhone(v: unknown): v is string {
  return typeof v === 'string' && /^\+?[0-9]{7,15}$/.test(normalizePhone(v));
}

// ---------------------------------------------------------------------------------------------------------------
// multipart/form-data
// ---------------------------------------------------------------------------------------------------------------

export { parseMultipart, type MultipartPart } from '../common/multipart';

// ---------------------------------------------------------------------------------------------------------------
// HS256 JWT (the custom data `signed_data`: `JWT.encode(payload, 'Company secret', 'HS256')`, vendor doc "Calls")
// ---------------------------------------------------------------------------------------------------------------

const b64url = (buf: Buffer) => buf.toString('base64').replace(/=+$/, '').replace(/\+/g, '-').replace(/\//g, '_');

/** Signs `payload` as an HS256 JWT with `secret`: what a customer does to build `signed_data`. */
export function signHs256Jwt(payload: Record<string, unknown>, secret: string, header: Record<string, unknown> = { alg: 'HS256' }): string {
  const h = b64url(Buffer.from(JSON.stringify(header)));
  const p = b64url(Buffer.from(JSON.stringify(payload)));
  const sig = crypto.createHmac('sha256', secret).update(`${h}.${p}`).digest();
  return `${h}.${p}.${b64url(sig)}`;
}

function decodeJsonSegment(seg: string): unknown {
  if (!/^[A-Za-z0-9_-]*$/.test(seg)) return undefined;
  try {
    return JSON.parse(Buffer.from(seg, 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
}

/**
 * Verifies an HS256 JWT: header `alg` must be HS256, the signature must match, and `exp` (when present, seconds since
 * the epoch) must be in the future. Returns the payload object, or null.
 */
export function verifyHs256Jwt(token: unknown, secret: string, nowMs: number): Record<string, unknown> | null {
  if (typeof token !== 'string') return null;
  const segs = token.split('.');
  if (segs.length !== 3) return null;
  const [h, p, s] = segs as [string, string, string];
  const header = decodeJsonSegment(h);
  if (!header || typeof header !== 'object' || (header as { alg?: unknown }).alg !== 'HS256') return null;
  if (!/^[A-Za-z0-9_-]+$/.test(s)) return null;
  const want = crypto.createHmac('sha256', secret).update(`${h}.${p}`).digest();
  const got = Buffer.from(s, 'base64url');
  if (got.length !== want.length || !crypto.timingSafeEqual(got, want)) return null;
  const payload = decodeJsonSegment(p);
  if (!payload || typeof payload !== 'object' || Array.isArray(payload)) return null;
  const exp = (payload as { exp?: unknown }).exp;
  if (exp !== undefined && (typeof exp !== 'number' || exp * 1000 <= nowMs)) return null;
  return payload as Record<string, unknown>;
}

// ---------------------------------------------------------------------------------------------------------------
// IP addresses (force logout `ip_addrs`: "CIDR notation, a list of IPv4/IPv6 addresses, or IP ranges")
// ---------------------------------------------------------------------------------------------------------------

interface Ip {
  v: 4 | 6;
  n: bigint;
}

function parseIp(text: string): Ip | null {
  const t = text.trim();
  if (net.isIPv4(t)) {
    return { v: 4, n: t.split('.').reduce((acc, octet) => (acc << 8n) + BigInt(Number(octet)), 0n) };
  }
  if (!net.isIPv6(t)) return null;
  let s = t.replace(/%.*$/, '');
  // An embedded IPv4 tail (::ffff:1.2.3.4) becomes two hextets.
  const v4 = /(\d+\.\d+\.\d+\.\d+)$/.exec(s);
  if (v4) {
    const n = parseIp(v4[1]!)!.n;
    s = `${s.slice(0, -v4[1]!.length)}${(n >> 16n).toString(16)}:${(n & 0xffffn).toString(16)}`;
  }
  const [head, tail] = s.includes('::') ? (s.split('::') as [string, string]) : [s, null];
  const hs = head === '' ? [] : head.split(':');
  const ts = tail === null || tail === '' ? [] : tail.split(':');
  const groups = tail === null ? hs : [...hs, ...Array<string>(8 - hs.length - ts.length).fill('0'), ...ts];
  if (groups.length !== 8) return null;
  return { v: 6, n: groups.reduce((acc, g) => (acc << 16n) + BigInt(parseInt(g, 16)), 0n) };
}

/**
 * Compiles one `ip_addrs` entry (a single address, `addr/prefix`, or `a-b`) to a matcher; null when malformed.
 * Our assumption: an IPv4 entry never matches an IPv6 address and vice versa.
 */
export function ipMatcher(entry: unknown): ((ip: string) => boolean) | null {
  if (typeof entry !== 'string') return null;
  const e = entry.trim();
  const within = (lo: Ip, hi: Ip) => (ip: string) => {
    const a = parseIp(ip);
    return a !== null && a.v === lo.v && a.n >= lo.n && a.n <= hi.n;
  };
  if (e.includes('/')) {
    const [addr, bits, ...rest] = e.split('/');
    if (rest.length > 0 || !addr || !bits || !/^\d{1,3}$/.test(bits)) return null;
    const base = parseIp(addr);
    if (!base) return null;
    const width = base.v === 4 ? 32 : 128;
    const prefix = Number(bits);
    if (prefix > width) return null;
    const hostBits = BigInt(width - prefix);
    const lo = (base.n >> hostBits) << hostBits;
    return within({ v: base.v, n: lo }, { v: base.v, n: lo + (1n << hostBits) - 1n });
  }
  if (e.includes('-')) {
    const [a, b, ...rest] = e.split('-');
    if (rest.length > 0 || a === undefined || b === undefined) return null;
    const lo = parseIp(a);
    const hi = parseIp(b);
    if (!lo || !hi || lo.v !== hi.v || lo.n > hi.n) return null;
    return within(lo, hi);
  }
  const one = parseIp(e);
  return one ? within(one, one) : null;
}
