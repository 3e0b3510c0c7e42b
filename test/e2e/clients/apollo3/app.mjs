// A browser app on Apollo Client 3, written the way docs/clients.md tells a frontend team to: ApolloClient
// with RetryLink (no retry of 4xx answers) in front of apollo-upload-client's upload link. Library code is
// used unmodified. test/e2e/browser-clients.e2e.ts bundles this file with esbuild and drives
// `window.scenarios` from Chromium; test/e2e/clients/apollo4/app.mjs exposes the same scenarios on
// Apollo Client 4. Plain JavaScript on purpose: `npm run typecheck` runs before CI installs this project.
import { ApolloClient, ApolloLink, InMemoryCache, gql } from '@apollo/client/core';
import { RetryLink } from '@apollo/client/link/retry';
import createUploadLink from 'apollo-upload-client/createUploadLink.mjs';

/** The RetryLink setting of docs/clients.md: retry network failures and 5xx, never a 4xx answer. */
export const retryLink = () =>
  new RetryLink({
    attempts: {
      max: 5,
      // A 4xx (a wrong key, a body too large) comes back the same however often it is sent.
      retryIf: (error) => !!error && !(error.statusCode >= 400 && error.statusCode < 500),
    },
  });

/** A client as docs/clients.md sets it up; `retry` swaps the RetryLink (the test's default-settings case). */
function makeClient({ url, apiKey, retry = retryLink() }) {
  return new ApolloClient({
    cache: new InMemoryCache(),
    link: ApolloLink.from([
      retry,
      createUploadLink({
        uri: url,
        headers: {
          authorization: `Bearer ${apiKey}`,
          // The gateway's CSRF prevention refuses multipart requests without it.
          'Apollo-Require-Preflight': 'true',
        },
      }),
    ]),
  });
}

const AGENTS = gql`
  query Agents {
    agents(first: 5) {
      totalCount
      edges { node { id name vendor } }
    }
  }
`;

const CONTACTS_UPLOAD = gql`
  mutation ContactsUpload($input: ContactsUploadInput!) {
    contactsUpload(input: $input) {
      task { id taskId campaignId leadListId }
      userErrors { field message code }
    }
  }
`;

/** The error as plain data, so the test can assert exactly where this major puts the code. */
function describeError(err, depth = 0) {
  if (err === null || typeof err !== 'object' || depth > 3) return err;
  const out = { name: err.name, message: err.message, constructor: err.constructor && err.constructor.name };
  for (const key of ['statusCode', 'result', 'bodyText', 'graphQLErrors', 'protocolErrors', 'clientErrors', 'errors', 'extraInfo']) {
    if (err[key] !== undefined) out[key] = JSON.parse(JSON.stringify(err[key]));
  }
  if (err.networkError) out.networkError = describeError(err.networkError, depth + 1);
  return out;
}

async function settle(promise) {
  try {
    const { data, errors } = await promise;
    return { data, errors };
  } catch (err) {
    return { error: describeError(err) };
  }
}

const client = 'apollo3';

window.scenarios = {
  client,
  /** The agents query; `{ data }` or `{ error }`. */
  query: (opts) => settle(makeClient(opts).query({ query: AGENTS })),
  /** The same query with RetryLink's defaults instead of the documented setting. */
  queryWithDefaultRetry: (opts) => settle(makeClient({ ...opts, retry: new RetryLink({ delay: { initial: 50 } }) }).query({ query: AGENTS })),
  /** A CSV through the upload link into `contactsUpload`. */
  upload: (opts, { input, csv, fileName }) =>
    settle(
      makeClient(opts).mutate({
        mutation: CONTACTS_UPLOAD,
        variables: { input: { ...input, file: new File([csv], fileName, { type: 'text/csv' }) } },
      }),
    ),
  /** Plain fetch, no Apollo: status, the headers the page may read, and the body; or the TypeError. */
  fetch: async ({ url, apiKey }) => {
    try {
      const res = await fetch(url, {
        method: 'POST',
        headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
        body: JSON.stringify({ query: '{ agents(first: 1) { totalCount } }' }),
      });
      return { status: res.status, requestId: res.headers.get('x-request-id'), body: await res.json() };
    } catch (err) {
      return { error: describeError(err) };
    }
  },
};
window.dispatchEvent(new Event('scenarios-ready'));
