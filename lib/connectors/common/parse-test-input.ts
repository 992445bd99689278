import type { z } from "zod";
import type { TestConnectionContext, TestStep } from "../types";

/**
 * The settings and secrets of a connection under test, parsed with its connector's schemas; or the one
 * failed step that names the first bad field, which Test connection shows instead of trying to sign in.
 */
export const parseTestInput = <TSettings extends z.ZodType, TSecrets extends z.ZodType>(
  ctx: TestConnectionContext,
  schemas: { settings: TSettings; secrets: TSecrets },
): { ok: true; settings: z.output<TSettings>; secrets: z.output<TSecrets> } | { ok: false; steps: TestStep[] } => {
  const settings = schemas.settings.safeParse(ctx.settings ?? {});
  const secrets = schemas.secrets.safeParse(ctx.secrets);
  if (settings.success && secrets.success) return { ok: true, settings: settings.data, secrets: secrets.data };
  const issue = (settings.success ? undefined : settings.error.issues[0]) ?? (secrets.success ? undefined : secrets.error.issues[0]);
  return { ok: false, steps: [{ step: "auth", ok: false, message: `Settings incomplete: ${issue?.path.join(".") || "?"}: ${issue?.message ?? "invalid"}` }] };
};
