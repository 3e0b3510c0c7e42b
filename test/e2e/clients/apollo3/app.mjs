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
      task { id nativeId leadListNativeId campaign { id } }
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

// ---------------------------------------------------------------------------------------------------------------
// One ID model (issue 15): a campaign's `id` from `campaigns` is what `leadCreate`, `contactsUpload` and
// `callDial` take, and the dial comes back as a node (DialAttempt) that the normalized cache keeps.
// ---------------------------------------------------------------------------------------------------------------

const CAMPAIGNS = gql`
  query Campaigns {
    campaigns(first: 100) {
      edges { node { id nativeId name vendor connection { id capabilities } } }
    }
  }
`;

const AVAILABLE_AGENT = gql`
  query AvailableAgent($connectionIds: [ID!]) {
    agents(first: 1, filter: { connectionIds: $connectionIds, statuses: [AVAILABLE] }) {
      edges { node { id name } }
    }
  }
`;

const LEAD_CREATE = gql`
  mutation LeadCreate($input: LeadCreateInput!) {
    leadCreate(input: $input) {
      lead { id nativeId phoneNumber campaign { id } }
      userErrors { field message code }
    }
  }
`;

/** What the app shows of a dial, and reads back from its cache. */
const DIALLED = gql`
  fragment Dialled on DialAttempt {
    id
    accepted
    vendorReason
    phoneNumber
    requestedAt
    idempotencyKey
    campaign { id name }
  }
`;

const CALL_DIAL = gql`
  mutation CallDial($input: CallDialInput!) {
    callDial(input: $input) {
      dialAttempt { ...Dialled }
      userErrors { field message code }
    }
  }
  ${DIALLED}
`;

const REFETCH_DIAL = gql`
  query RefetchDial($id: ID!) {
    node(id: $id) { id ...Dialled }
  }
  ${DIALLED}
`;

/** How many requests the page has sent to `url` so far (the browser's own count). */
const sentTo = (url) => performance.getEntriesByType('resource').filter((e) => e.name === url).length;

/**
 * The flow of a campaign screen: list campaigns, pick the two the user chose (by vendor and the vendor's id, as a
 * UI would by row), add a lead to one, upload a contact file to the other and dial in it for an available agent
 * of its connection; then read the dial back from the cache (no request), and refetch it by id (one request).
 * Every step's answer is returned, or the step that failed.
 */
async function campaignFlow(opts, { leadCampaign, dialCampaign, lead, upload, csv, fileName, dial }) {
  const apollo = makeClient(opts);
  const out = {};
  try {
    const listed = await apollo.query({ query: CAMPAIGNS });
    const campaigns = listed.data.campaigns.edges.map((e) => e.node);
    const pick = (want) => campaigns.find((c) => c.vendor === want.vendor && c.nativeId === want.nativeId);
    out.leadCampaign = pick(leadCampaign);
    out.dialCampaign = pick(dialCampaign);

    out.leadCreate = (await apollo.mutate({ mutation: LEAD_CREATE, variables: { input: { ...lead, campaignId: out.leadCampaign.id } } })).data.leadCreate;

    const file = new File([csv], fileName, { type: 'text/csv' });
    out.contactsUpload = (await apollo.mutate({ mutation: CONTACTS_UPLOAD, variables: { input: { ...upload, campaignId: out.dialCampaign.id, file } } })).data.contactsUpload;

    const agents = await apollo.query({ query: AVAILABLE_AGENT, variables: { connectionIds: [out.dialCampaign.connection.id] } });
    out.agent = agents.data.agents.edges[0].node;
    out.callDial = (await apollo.mutate({ mutation: CALL_DIAL, variables: { input: { ...dial, campaignId: out.dialCampaign.id, agentId: out.agent.id } } })).data.callDial;

    // The dialled attempt, from the normalized cache alone.
    const before = sentTo(opts.url);
    out.cacheKey = apollo.cache.identify({ __typename: 'DialAttempt', id: out.callDial.dialAttempt.id });
    out.fromCache = apollo.cache.readFragment({ id: out.cacheKey, fragment: DIALLED });
    out.requestsForCacheRead = sentTo(opts.url) - before;
    // And from the gateway, by its id: the same object.
    out.refetched = (await apollo.query({ query: REFETCH_DIAL, variables: { id: out.callDial.dialAttempt.id }, fetchPolicy: 'network-only' })).data.node;
    out.requestsForRefetch = sentTo(opts.url) - before;
    out.requests = sentTo(opts.url);
    return out;
  } catch (err) {
    return { ...out, error: describeError(err) };
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
  /** campaigns -> leadCreate, contactsUpload and callDial with the campaigns' ids -> the dial read back from the cache. */
  campaignFlow,
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
