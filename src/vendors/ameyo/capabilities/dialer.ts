/**
 * Ameyo dialing: manual dial (a web-access command), disposition (app server), and dispose-and-dial in
 * the agent's own session (ameyo-crm-url-integration.txt; casing per notes §3b).
 */
import type { DialResult, Dialer } from '../../../domain/types';
import { BadUserInputError } from '../../../errors';
import type { RecordedLegs } from '../crm';
import type { createSessionReader } from './agents';
import type { AmeyoContext } from './context';

const resultOf = (r: { result: string; reason: string | null }): DialResult => ({ success: r.result.toLowerCase() === 'success', reason: r.reason });

/**
 * `recordedLegOf`: the legs Ameyo's CRM URLs named (./crm.ts, recorded by ../crmRoute.ts); null when the gateway keeps
 * none (an adapter built without the state store).
 */
export function createDialer({ client, cid }: AmeyoContext, sessionsOf: ReturnType<typeof createSessionReader>, recordedLegOf: RecordedLegs | null): Dialer {
  /** The leg the agent's CRM URLs named in this session; a leg of an earlier login is stale and never sent. */
  const legFromCrm = async (userId: string, sessionId: string): Promise<string | null> => {
    const recorded = recordedLegOf ? await recordedLegOf(userId) : null;
    return recorded && recorded.sessionId === sessionId ? recorded.legId : null;
  };
  return {
    async dial(req, scope) {
      const body: Record<string, unknown> = { userId: req.userId, campaignId: req.campaignId, phone: req.phone };
      if (req.shouldAddCustomer != null) body['shouldAddCustomer'] = req.shouldAddCustomer;
      if (req.customerRecord != null) body['customerRecord'] = req.customerRecord;
      if (req.extraParams != null) body['additionalParams'] = req.extraParams;
      return resultOf(await client.command('clickToDial', scope, body));
    },
    async dispose(req, scope) {
      // Casing per notes §3b (unconfirmed): userId, dispositionCodeName, dispositionParams{isSelfCallback, callbackTime, phone}.
      // crtObjectId only when the caller names the call: the CRM document's prose lists it in the dispose request data
      // ("campaignid, sessionid, crtobjectid, usercrtobjectid, customerid, phone, userid plus disposition code"), its
      // curl sample leaves it out. Sent, it stops a late notification about an earlier call disposing the agent's next one.
      const body = {
        userId: req.userId,
        ...(req.crtObjectId ? { crtObjectId: req.crtObjectId } : {}),
        dispositionCodeName: req.dispositionCode,
        dispositionParams: { isSelfCallback: Boolean(req.selfCallback), callbackTime: req.callbackTime ? req.callbackTime.toISOString() : '', phone: req.phone ?? '' },
        requestId: req.requestId,
        notes: req.notes ?? '',
      };
      return resultOf(await client.command('disposeCallForUser', scope, body));
    },
    async disposeAndDial(req, scope) {
      // The command runs in the agent's own session: find its sessionId in the user-session table.
      const [session] = await sessionsOf(scope, { 'user-ids': [req.userId] });
      const sessionId = session?.presence?.sessionId;
      if (!sessionId) throw new BadUserInputError(`agent ${req.userId} has no Ameyo session (not logged in)`, { vendor: 'ameyo', connectionId: cid, notSent: true });
      // The document requires the agent's leg (userCRTObjectId). The caller's wins; else the session row's, read
      // defensively (the presence document prints `addition_details: {}`); else the one the agent's CRM URLs named in
      // this session (`userCrtObjectId`, ameyo-crm-url-integration.txt "customer url parameters"); else the caller must.
      const leg = req.userCrtObjectId || session.presence?.agentLegNativeId || (await legFromCrm(req.userId, sessionId));
      if (!leg) {
        throw new BadUserInputError(
          `Ameyo's session of agent ${req.userId} does not name the agent's voice leg (userCRTObjectId), which Ameyo requires: give it`,
          { vendor: 'ameyo', connectionId: cid, notSent: true },
          { field: ['userCrtObjectId'] },
        );
      }
      // Keys in the order of the document's sample request.
      const body: Record<string, unknown> = {
        campaignContextId: /^\d+$/.test(req.campaignContextId) ? Number(req.campaignContextId) : req.campaignContextId,
        userCRTObjectId: leg,
        crtObjectId: req.crtObjectId,
        dispositionCode: req.dispositionCode,
        phone: req.phone,
        customerId: req.customerId ?? '-1',
        requestId: req.requestId,
      };
      return resultOf(await client.command('disposeAndManualDial', scope, body, { sessionid: sessionId }));
    },
  };
}
