"use server";

import { z } from "zod";
import { connectionFormSchema } from "@/lib/connections/form-schemas";
import { testConnection } from "@/lib/connections/test-connection";
import { db } from "@/lib/db";
import { authedAction } from "./authed-action";

const testConnectionInputSchema = z.union([z.strictObject({ connectionId: z.uuid() }), z.strictObject({ form: connectionFormSchema })]);

/**
 * Admin only (it calls the vendor with the stored credentials): test a saved connection, or the
 * form as it stands before saving.
 */
export const testConnectionAction = authedAction(
  testConnectionInputSchema,
  ({ input }) => ("form" in input ? testConnection({ db: db(), form: input.form }) : testConnection({ db: db(), connectionId: input.connectionId })),
  { role: "admin" },
);
