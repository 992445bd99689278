"use server";

import { db } from "@/lib/db";
import { importValueMaps } from "@/lib/mapping-admin/import-value-maps";
import { importValueMapsInputSchema } from "@/lib/mapping-admin/schemas";
import { authedAction } from "./authed-action";

/** Admin only: import mappings from CSV, all rows or none (the answer lists every bad row). */
export const importValueMapsAction = authedAction(importValueMapsInputSchema, ({ input, user }) => importValueMaps({ db: db(), input, actorUserId: user.id }), { role: "admin" });
