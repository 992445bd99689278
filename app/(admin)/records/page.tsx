import type { Metadata } from "next";
import { RecordsBrowser, type RecordsPage as RecordsPageData } from "@/components/records/records-browser";
import { readRecordsSearch, toRecordFilter } from "@/components/records/records-filter";
import { PageHeader } from "@/components/ui/page-header";
import { requireUser } from "@/lib/auth/require-user";
import { db } from "@/lib/db";
import { listFlowOptions } from "@/lib/mapping-admin/list-flow-options";
import { countRecordsByStatus } from "@/lib/records/count-records-by-status";
import { listRecords } from "@/lib/records/list-records";

export const metadata: Metadata = { title: "Records" };

/** JSON round trip: what the client would get from the API (dates as ISO strings). */
const asJson = <T,>(value: unknown) => JSON.parse(JSON.stringify(value)) as T;

const RecordsPage = async ({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) => {
  const user = await requireUser();
  const search = readRecordsSearch(await searchParams);
  const filter = toRecordFilter(search);
  const database = db();
  const { status: _status, ...countFilter } = filter;
  // Streamed, not awaited: at a million records the counts take longer than the first page of rows, which must not wait for them.
  const counts = countRecordsByStatus({ db: database, filter: countFilter });
  // (React reports a failed count where the counts show; this keeps a page that fails first from leaving it unhandled)
  counts.catch(() => {});
  const [flows, page] = await Promise.all([listFlowOptions({ db: database }), listRecords({ db: database, filter, limit: 100 })]);
  return (
    <>
      <PageHeader title="Records" description="Every source document, where it was posted, and what is held or failed." />
      <RecordsBrowser search={search} flows={flows} initialPage={asJson<RecordsPageData>(page)} counts={counts} isAdmin={user.role === "admin"} />
    </>
  );
};

export default RecordsPage;
