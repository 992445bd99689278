import { existsSync } from "node:fs";
import path from "node:path";

/**
 * The folder of a vendor's own published documents for the `*.vendor-docs.test.ts` checks, from
 * VENDOR_SPECS_DIR (`<dir>/<vendor>/`). Those documents state no licence, so the repository does not
 * hold them; `npm run test:vendor-docs` needs the folder and fails, never skips, without it.
 */
export const vendorSpecsDir = (vendor: string): string => {
  const root = process.env.VENDOR_SPECS_DIR;
  if (!root) {
    throw new Error(
      "VENDOR_SPECS_DIR is not set: point it at the folder holding the vendors' published API documents (one subfolder per vendor, e.g. zuora/; .ci/run passes the folder CI keeps beside the checkout).",
    );
  }
  const dir = path.resolve(root, vendor);
  if (!existsSync(dir)) throw new Error(`VENDOR_SPECS_DIR has no ${vendor}/ folder: ${dir} does not exist.`);
  return dir;
};
