import Link from "next/link";

const NotFound = () => (
  <main className="flex min-h-screen flex-col items-center justify-center gap-2 text-center">
    <h1 className="text-base font-semibold text-zinc-900">Page not found</h1>
    <p className="text-zinc-500">The address may be mistyped, or the item was removed.</p>
    <Link href="/" className="mt-2 text-blue-700 underline-offset-2 hover:underline">
      Back to the dashboard
    </Link>
  </main>
);

export default NotFound;
