/** Placeholder while a server page loads: the header and one block, no spinner. */
const AdminLoading = () => (
  <div aria-busy="true" aria-label="Loading" className="animate-pulse space-y-6">
    <div className="space-y-2 border-b border-zinc-200 pb-4">
      <div className="h-5 w-40 rounded bg-zinc-200" />
      <div className="h-4 w-96 rounded bg-zinc-100" />
    </div>
    <div className="h-40 rounded-lg bg-zinc-100" />
  </div>
);

export default AdminLoading;
