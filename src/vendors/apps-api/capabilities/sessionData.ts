/**
 * What the Apps API lets a caller set on a live call or chat alike: its end user (mid-session authentication), its
 * customer flags and its custom data. The call and chat modules share these, each with its own routes.
 */
import type { CustomerFlags, RequestScope } from '../../../domain/types';
import { BadUserInputError } from '../../../errors';
import { signJwtHs256 } from '../../jwt';
import type { AppsApiRoute } from '../routes';
import { wireCustomerFlags, wireMessage } from '../types';
import type { AppsApiContext } from './context';

export const flagsOf = (f: { verified_customer: boolean; bad_actor: boolean; repeat_customer: boolean }): CustomerFlags => ({
  verifiedCustomer: f.verified_customer,
  badActor: f.bad_actor,
  repeatCustomer: f.repeat_customer,
});

/** The routes of one kind of session (call or chat); each takes the session's id as `{id}`. */
export interface SessionDataRoutes {
  updateEndUser: AppsApiRoute;
  getCustomerFlags: AppsApiRoute;
  updateCustomerFlags: AppsApiRoute;
  sendCustomData: AppsApiRoute;
}

export function createSessionData({ client, config, cid }: AppsApiContext, routes: SessionDataRoutes) {
  const at = (id: string) => ({ params: { id } });
  return {
    async updateEndUser(nativeId: string, endUser: { identifier: string; name?: string | null; email?: string | null; phone?: string | null }, scope: RequestScope): Promise<void> {
      const body: Record<string, unknown> = { identifier: endUser.identifier };
      if (endUser.name != null) body['name'] = endUser.name;
      if (endUser.email != null) body['email'] = endUser.email;
      if (endUser.phone != null) body['phone'] = endUser.phone;
      await client.write(routes.updateEndUser, wireMessage, scope, body, at(nativeId));
    },
    getCustomerFlags: async (nativeId: string, scope: RequestScope): Promise<CustomerFlags> => flagsOf(await client.json(routes.getCustomerFlags, wireCustomerFlags, scope, at(nativeId))),
    async updateCustomerFlags(nativeId: string, flags: Partial<CustomerFlags>, scope: RequestScope): Promise<CustomerFlags> {
      // The request spells `repeat_customers` with an s, unlike the response (notes §1, apps-api-call; chats alike).
      const body: Record<string, boolean> = {};
      if (flags.verifiedCustomer !== undefined) body['verified_customer'] = flags.verifiedCustomer;
      if (flags.badActor !== undefined) body['bad_actor'] = flags.badActor;
      if (flags.repeatCustomer !== undefined) body['repeat_customers'] = flags.repeatCustomer;
      return flagsOf(await client.write(routes.updateCustomerFlags, wireCustomerFlags, scope, body, at(nativeId)));
    },
    async sendCustomData(nativeId: string, fields: ReadonlyArray<{ key: string; label?: string | null; value: unknown }>, signed: boolean, scope: RequestScope): Promise<void> {
      const data: Record<string, { label?: string; value: unknown }> = {};
      for (const f of fields) data[f.key] = { ...(f.label != null ? { label: f.label } : {}), value: f.value };
      let body: Record<string, unknown>;
      if (signed) {
        const secret = config.credentials.companySecret;
        if (!secret) throw new BadUserInputError(`connection '${cid}' has no credentials.companySecret to sign with; send signed: false`);
        const iat = Math.floor(Date.now() / 1000);
        // apps-api.txt "Send a custom data": JWT.encode({custom_data, exp, iat}, 'Company secret', 'HS256').
        body = { signed: true, signed_data: signJwtHs256({ custom_data: data, iat, exp: iat + 300 }, secret) };
      } else {
        body = { signed: false, data };
      }
      await client.write(routes.sendCustomData, wireMessage, scope, body, at(nativeId));
    },
  };
}
