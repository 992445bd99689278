import type { Metadata } from "next";
import { RecordsBrowser, type RecordsPage as RecordsPageData, type StatusCounts } from "@/components/records/records-browser";
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
  const [flows, page, counts] = await Promise.all([listFlowOptions({ db: database }), listRecords({ db: database, filter, limit: 100 }), countRecordsByStatus({ db: database, filter: countFilter })]);
  return (
    <>
      <PageHeader title="Records" description="Every source document, where it was posted, and what is held or failed." />
      <RecordsBrowser search={search} flows={flows} initialPage={asJson<RecordsPageData>(page)} initialCounts={counts as StatusCounts} isAdmin={user.role === "admin"} />
    </>
  );
};

export default RecordsPage;
