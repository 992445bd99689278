"use client";

import { Button } from "@/components/ui/button";

/** Shown in place of a page that failed to render; the sidebar stays usable. The cause is in the server log. */
const AdminError = ({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) => (
  <section role="alert" className="rounded-lg border border-red-200 bg-white p-6">
    <h1 className="text-base font-semibold text-zinc-900">This page could not be loaded</h1>
    <p className="mt-1 text-zinc-600">
      Check that the database is running (see System on the dashboard), then try again.
      {error.digest ? <span className="ml-1 text-zinc-500">Reference: {error.digest}</span> : null}
    </p>
    <Button variant="secondary" className="mt-4" onClick={reset}>
      Try again
    </Button>
  </section>
);

export default AdminError;
