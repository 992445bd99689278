import { parseArgs } from "node:util";
import { z } from "zod";
import { passwordSchema, roleSchema, userEmailSchema } from "./schemas";

const argsSchema = z.strictObject({
  email: userEmailSchema,
  password: passwordSchema.optional(),
  role: roleSchema.default("admin"),
});
export type CreateAdminArgs = z.infer<typeof argsSchema>;

export const CREATE_ADMIN_USAGE = "usage: npm run create-admin -- --email you@example.com [--password <12+ chars>] [--role admin|viewer]";

/** Parses `create-admin` command-line flags; throws an Error with a readable message (and the usage) on bad input. */
export const parseCreateAdminArgs = (argv: string[]): CreateAdminArgs => {
  const { values } = parseArgs({
    args: argv,
    options: { email: { type: "string" }, password: { type: "string" }, role: { type: "string" } },
    strict: true,
  });
  const parsed = argsSchema.safeParse(values);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  throw new Error(`${issue?.path.join(".") || "arguments"}: ${issue?.message ?? "invalid"}\n${CREATE_ADMIN_USAGE}`);
};
