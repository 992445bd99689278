import { z } from "zod";
import { db, type Db } from "../lib/db";
import { env } from "../lib/env";
import { renewSubscriptions } from "../lib/sync/renew-subscriptions";
import { defineTask } from "./define-task";

/** Every ten minutes (cron): renew the vendor subscriptions that expire (Zoho CRM notification channels). */
export const createRenewSubscriptionsTask = ({ getDb = db }: { getDb?: () => Db } = {}) =>
  defineTask({
    name: "renew-subscriptions",
    schema: z.object({ _cron: z.object({ ts: z.string() }).optional() }).loose(),
    maxAttempts: 1,
    run: async () => {
      const appUrl = env().NEXTAUTH_URL;
      // Without a public URL there is nowhere the vendor could call: polling alone keeps the flows in step.
      if (!appUrl) return;
      await renewSubscriptions({ db: getDb(), callbackUrlOf: (c) => `${appUrl.replace(/\/+$/, "")}/api/webhooks/${c.vendor}/${c.id}` });
    },
  });
