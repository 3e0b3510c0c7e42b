/** Domain values <-> schema enum values. */
import type { VendorKey } from '../errors';
import type { Vendor } from '../generated/graphql';

/** A vendor key as a `Vendor` enum value: `apps-api` -> `APPS_API`. */
type VendorEnumValue<K extends string> = K extends `${infer Head}-${infer Tail}` ? `${Uppercase<Head>}_${VendorEnumValue<Tail>}` : Uppercase<K>;

/**
 * The schema's value for a registered vendor. A vendor added to src/vendors/registry.ts needs its value in
 * `enum Vendor` (schema/base.graphql) and `npm run codegen`; until then the return below fails to compile,
 * naming the missing value.
 */
export const vendorEnum = (v: VendorKey): Vendor => v.toUpperCase().replace(/-/g, '_') as VendorEnumValue<VendorKey>;
