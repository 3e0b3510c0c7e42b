/**
 * Not public API. The request-target of RFC 9112 §3.2 turned into a path and a query, or refused.
 *
 * `new URL(req.url, base)` is not a parser for request-targets: `//`, `//@` and `/\` are read as
 * scheme-relative URLs and throw "Invalid URL" (issue 11, item 1: that exception took the process down).
 * Here the target is prefixed with a fixed origin instead, so any origin-form target is a path, and
 * nothing that arrives can throw out of this function.
 *
 *   origin-form    /graphql?query=...     routed
 *   absolute-form  http://host/graphql    routed by its path (a server MUST accept it, RFC 9112 §3.2.2);
 *                                         the authority is ignored, never used to build a URL
 *   authority-form host:443 (CONNECT)     400
 *   asterisk-form  * (OPTIONS)            400
 *   anything else                         400
 */
export interface RequestTarget {
  /** The path as sent (still percent-encoded), always starting with `/`. */
  readonly pathname: string;
  /** `?...` or ''. */
  readonly search: string;
  readonly searchParams: URLSearchParams;
}

const BASE = 'http://gateway.invalid';
const ABSOLUTE = /^https?:\/\/[^/?#]*/i;

export function parseRequestTarget(raw: string | undefined): RequestTarget | null {
  if (!raw) return null;
  let target = raw;
  if (!target.startsWith('/')) {
    const m = ABSOLUTE.exec(target);
    if (!m) return null;
    target = target.slice(m[0].length) || '/';
    if (!target.startsWith('/') && !target.startsWith('?')) return null;
    if (target.startsWith('?')) target = `/${target}`;
  }
  if (target.includes('#')) return null; // a fragment is never sent (RFC 9110 §7.1)
  try {
    const url = new URL(`${BASE}${target}`);
    if (url.origin !== BASE) return null;
    return { pathname: url.pathname, search: url.search, searchParams: url.searchParams };
  } catch {
    return null;
  }
}

/** `decodeURIComponent` that answers null for a malformed escape (`%E0%A4%A`) instead of throwing. */
export function decodePathSegment(segment: string): string | null {
  try {
    return decodeURIComponent(segment);
  } catch {
    return null;
  }
}
