"use server";

import { saveConnection } from "@/lib/connections/save-connection";
import { connectionFormSchema } from "@/lib/connections/form-schemas";
import { db } from "@/lib/db";
import { authedAction } from "./authed-action";

/** Admin only: create or edit a connection (blank secret fields keep the stored secrets), then test what was saved. */
export const saveConnectionAction = authedAction(
  connectionFormSchema,
  ({ input, user }) => saveConnection({ db: db(), form: input, actor: { id: user.id, email: user.email }, testAfterSave: true }),
  { role: "admin" },
);
