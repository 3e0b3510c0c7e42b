/** Domain values <-> schema enum values. */
import type { VendorKey } from '../errors';
import type { Vendor } from '../generated/graphql';

const VENDOR_ENUM: Record<VendorKey, Vendor> = { ameyo: 'AMEYO', 'apps-api': 'APPS_API', 'campaign-api': 'CAMPAIGN_API' };

export const vendorEnum = (v: VendorKey): Vendor => VENDOR_ENUM[v];
