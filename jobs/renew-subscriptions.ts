import { db, type Db } from "../lib/db";
import { publicAppUrl } from "../lib/flows-admin/public-app-url";
import { renewSubscriptionsJob } from "../lib/sync/job-specs";
import { renewSubscriptions } from "../lib/sync/renew-subscriptions";
import { defineTask } from "./define-task";

/** Renews one connection's vendor subscriptions. */
export const createRenewSubscriptionsTask = ({ getDb = db, appUrl = publicAppUrl }: { getDb?: () => Db; appUrl?: () => string } = {}) =>
  defineTask({
    ...renewSubscriptionsJob,
    run: async ({ connectionId }) => {
      await renewSubscriptions({ db: getDb(), connectionId, appUrl: appUrl() });
    },
  });
