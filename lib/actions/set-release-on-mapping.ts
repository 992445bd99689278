"use server";

import { db } from "@/lib/db";
import { setReleaseOnMappingInputSchema } from "@/lib/mapping-admin/schemas";
import { setReleaseOnMapping } from "@/lib/mapping-admin/set-release-on-mapping";
import { authedAction } from "./authed-action";

/** Admin only: whether saving a mapping of this flow releases the held records it frees by itself. */
export const setReleaseOnMappingAction = authedAction(setReleaseOnMappingInputSchema, ({ input }) => setReleaseOnMapping({ db: db(), input }), { role: "admin" });
