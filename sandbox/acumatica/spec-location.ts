import path from "node:path";

/**
 * Acumatica's own endpoint documents, kept in the repository (MIT, see spec/LICENSE and spec/README.md);
 * only the shape generator and the contract tests read them, never the running sandbox.
 */
export const ACUMATICA_SPEC_DIR = path.resolve(import.meta.dirname, "spec");
export const ACUMATICA_SPEC_24 = path.join(ACUMATICA_SPEC_DIR, "Default_24.200.001.openapi.json");
export const ACUMATICA_SPEC_23 = path.join(ACUMATICA_SPEC_DIR, "Default_23.200.001.swagger.json");
