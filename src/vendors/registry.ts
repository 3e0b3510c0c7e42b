/**
 * The vendors Switchboard speaks to, one line each in REGISTRY. Config validation, error facts, the GraphQL
 * `Vendor` enum, demo mode, the CLI banner and the test stack read this list; nothing outside src/vendors/ and
 * sim/ names a vendor. Order matters only for display: demo mode and the test stack list their connections in
 * this order, and config messages name the keys in it. Adding a vendor: docs/adding-a-vendor.md.
 */
import { ameyoModule } from './ameyo';
import { appsApiModule } from './apps-api';
import { campaignApiModule } from './campaign-api';
import { VENDOR_KEY_PATTERN, type VendorModule } from './module';

const REGISTRY = [ameyoModule, appsApiModule, campaignApiModule] as const;

/** The registered modules as a tuple, each with its own types (the config's connection union is built from it). */
export type Registry = typeof REGISTRY;
export type RegisteredVendor = Registry[number];
/** A registered vendor's key: `ameyo | apps-api | ...`. */
export type VendorKey = RegisteredVendor['key'];
/** A registered module as code that treats every vendor alike sees it: its own types widened. */
export type AnyVendorModule = VendorModule<VendorKey>;

/** Every registered module, in registry order. */
export const VENDORS: readonly AnyVendorModule[] = REGISTRY;

/** The registered keys, in registry order. */
export const VENDOR_KEYS: readonly VendorKey[] = VENDORS.map((v) => v.key);

for (const [i, key] of VENDOR_KEYS.entries()) {
  if (!VENDOR_KEY_PATTERN.test(key)) throw new TypeError(`expected vendor keys to be lowercase words joined by "-", got '${key}'`);
  if (VENDOR_KEYS.indexOf(key) !== i) throw new TypeError(`vendor '${key}' is registered twice in src/vendors/registry.ts`);
}

/** The module registered for `key`. */
export function vendorModule(key: VendorKey): AnyVendorModule {
  const found = VENDORS.find((v) => v.key === key);
  if (!found) throw new TypeError(`expected a registered vendor (${VENDOR_KEYS.join(' | ')}), got '${String(key)}'`);
  return found;
}
