// A browser app on Apollo Client 4, written the way docs/clients.md tells a frontend team to: ApolloClient
// with RetryLink (no retry of 4xx answers) in front of apollo-upload-client's upload link. Library code is
// used unmodified. test/e2e/browser-clients.e2e.ts bundles this file with esbuild and drives
// `window.scenarios` from Chromium; test/e2e/clients/apollo3/app.mjs exposes the same scenarios on
// Apollo Client 3. Plain JavaScript on purpose: `npm run typecheck` runs before CI installs this project.
// The signed-in scenarios at the end (issue 13) are driven by test/e2e/signed-in-users.e2e.ts.
import { ApolloClient, ApolloLink, CombinedGraphQLErrors, InMemoryCache, ServerError, gql } from '@apollo/client';
import { SetContextLink } from '@apollo/client/link/context';
import { ErrorLink } from '@apollo/client/link/error';
import { RetryLink } from '@apollo/client/link/retry';
import { GraphQLWsLink } from '@apollo/client/link/subscriptions';
import { getMainDefinition } from '@apollo/client/utilities';
import UploadHttpLink from 'apollo-upload-client/UploadHttpLink.mjs';
import { createClient as createWsClient } from 'graphql-ws';

/** The RetryLink setting of docs/clients.md: retry network failures and 5xx, never a 4xx answer. */
export const retryLink = () =>
  new RetryLink({
    attempts: {
      max: 5,
      // A 4xx (a wrong key, a body too large) comes back the same however often it is sent.
      retryIf: (error) => !(ServerError.is(error) && error.statusCode >= 400 && error.statusCode < 500),
    },
  });

/** A client as docs/clients.md sets it up; `retry` swaps the RetryLink (the test's default-settings case). */
function makeClient({ url, apiKey, retry = retryLink() }) {
  return new ApolloClient({
    cache: new InMemoryCache(),
    link: ApolloLink.from([
      retry,
      new UploadHttpLink({
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

/** `{ data, error }` of an operation run with `errorPolicy: 'all'`: partial data next to the errors. */
async function settleAll(promise) {
  try {
    const { data, error } = await promise;
    return error ? { data, error: describeError(error) } : { data };
  } catch (err) {
    return { error: describeError(err) };
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Signed-in users (issue 13): a token from the identity provider instead of the tenant's key, set up as
// docs/clients.md "Signing in users" shows.
// ---------------------------------------------------------------------------------------------------------------

/** The signed-in user's access token; a real app keeps what its OAuth library gives it. */
let accessToken = null;
/** How often the gateway said the token was not accepted (the app would send the user to sign in again). */
let signInsNeeded = 0;

/**
 * Signs in at the identity provider (the demo provider's OAuth 2 password grant: a form-encoded POST, which
 * the browser sends without a preflight). A real app uses its provider's authorization-code flow instead.
 */
async function signIn({ idpUrl, username, password }) {
  try {
    const res = await fetch(`${idpUrl}/token`, { method: 'POST', body: new URLSearchParams({ grant_type: 'password', username, password }) });
    const body = await res.json();
    if (!res.ok) return { status: res.status, body };
    accessToken = body.access_token;
    return { status: res.status, tokenType: body.token_type, expiresIn: body.expires_in, token: accessToken };
  } catch (err) {
    return { error: describeError(err) };
  }
}

/** The signed-in user's client: the token is read for every request; `token` stands in for a stale one. */
function makeUserClient({ url, token }) {
  const getAccessToken = async () => token ?? accessToken;
  return new ApolloClient({
    cache: new InMemoryCache(),
    link: ApolloLink.from([
      // A token the gateway does not accept (expired, revoked key) is a 401 UNAUTHENTICATED: sign in again.
      new ErrorLink(({ error }) => {
        if (CombinedGraphQLErrors.is(error) && error.errors.some((e) => e.extensions?.code === 'UNAUTHENTICATED')) signInsNeeded++;
      }),
      retryLink(),
      new SetContextLink(async (prevContext) => ({
        headers: { ...prevContext.headers, authorization: `Bearer ${await getAccessToken()}` },
      })),
      new UploadHttpLink({ uri: url, headers: { 'Apollo-Require-Preflight': 'true' } }),
    ]),
  });
}

/** What an agent's desktop reads: agents, queues and campaigns (any role) and calls (SUPERVISOR). */
const AGENT_DESK = gql`
  query AgentDesk {
    agents(first: 5) {
      totalCount
      edges { node { id name vendor } }
    }
    queues { id name vendor }
    campaigns(first: 5) { totalCount }
    calls(first: 5) { totalCount }
  }
`;


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

/**
 * Live data (issue 17) as the Apollo docs set it up: subscriptions over GraphQLWsLink (graphql-ws, the key in
 * connection_init), everything else over HTTP, split by operation type. One shared cache: an event's Agent
 * updates the agent a query put there, in place.
 */
function makeLiveClient({ url, apiKey }) {
  const ws = new GraphQLWsLink(createWsClient({ url: url.replace(/^http/, 'ws'), connectionParams: { authorization: `Bearer ${apiKey}` } }));
  const http = new UploadHttpLink({ uri: url, headers: { authorization: `Bearer ${apiKey}`, 'Apollo-Require-Preflight': 'true' } });
  const isSubscription = ({ query }) => {
    const def = getMainDefinition(query);
    return def.kind === 'OperationDefinition' && def.operation === 'subscription';
  };
  return new ApolloClient({ cache: new InMemoryCache(), link: ApolloLink.split(isSubscription, ws, http) });
}

const AGENT = gql`
  query Agent($id: ID!) {
    agent(id: $id) { id status rawStatus }
  }
`;

const PRESENCE = gql`
  subscription Presence {
    agentPresenceChanged { agent { id status rawStatus } previousStatus }
  }
`;

/** What `presenceStart` set up, read by `presenceResult`. */
const live = { events: [], errors: [], apollo: null, agentId: null };

/** Reads the agent into the cache over HTTP, then subscribes to presence changes; `{ before }` or `{ error }`. */
async function presenceStart(opts, agentId) {
  try {
    live.apollo = makeLiveClient(opts);
    live.agentId = agentId;
    const before = (await live.apollo.query({ query: AGENT, variables: { id: agentId } })).data.agent;
    live.apollo.subscribe({ query: PRESENCE }).subscribe({
      next: (result) => live.events.push(result.data),
      error: (err) => live.errors.push(describeError(err)),
    });
    return { before };
  } catch (err) {
    return { error: describeError(err) };
  }
}

/** The events so far, and the agent as the cache now has it (no request: `cache-only`). */
function presenceResult() {
  const cached = live.apollo.readQuery({ query: AGENT, variables: { id: live.agentId } });
  return { events: live.events, errors: live.errors, cached: cached?.agent ?? null };
}

const CALL_EVENTS = gql`
  subscription ScreenPops($filter: CallEventFilter) {
    callEvents(filter: $filter) {
      type
      connection { id }
      callNativeId
      agent { id nativeId name }
      screenPop { page sessionId campaignId crtObjectId userCrtObjectId userId customerId phone queueId queueName disposition dispositionAttribute }
      at
    }
  }
`;

/** What `callEventsStart` set up, read by `callEventsResult`. */
const calls = { events: [], errors: [] };

/** Subscribes to call events (an agent desktop waiting for its screen-pop) over the same split link; `{}` or `{ error }`. */
function callEventsStart(opts, filter) {
  try {
    makeLiveClient(opts)
      .subscribe({ query: CALL_EVENTS, variables: { filter } })
      .subscribe({
        next: (result) => calls.events.push(result.data),
        error: (err) => calls.errors.push(describeError(err)),
      });
    return {};
  } catch (err) {
    return { error: describeError(err) };
  }
}

const client = 'apollo4';

window.scenarios = {
  client,
  presenceStart,
  presenceResult,
  callEventsStart,
  /** The call events so far, and the subscription's errors. */
  callEventsResult: () => ({ events: calls.events, errors: calls.errors }),
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
  /** Signs in at the identity provider; `{ status, tokenType, expiresIn, token }`, or its refusal. */
  signIn,
  /** AGENT_DESK as the signed-in user, `errorPolicy: 'all'`: `{ data, error }` (a refused field is null in `data`). */
  signedInQuery: (opts) => settleAll(makeUserClient(opts).query({ query: AGENT_DESK, errorPolicy: 'all' })),
  /** `callDial` as the signed-in user, `errorPolicy: 'all'` (CALL_DIAL: the dial attempt and user errors). */
  signedInDial: (opts, input) => settleAll(makeUserClient(opts).mutate({ mutation: CALL_DIAL, variables: { input }, errorPolicy: 'all' })),
  /** How often the ErrorLink heard UNAUTHENTICATED. */
  signInsNeeded: () => signInsNeeded,
};
window.dispatchEvent(new Event('scenarios-ready'));
