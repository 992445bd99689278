import Link from "next/link";
import type { ReactNode } from "react";
import type { SessionUser } from "@/lib/auth/session-user";
import { NavLinks } from "./nav-links";
import { SignOutButton } from "./sign-out-button";
import { SystemStatus } from "./system-status";

/** The signed-in frame: sidebar (navigation, status, user, sign out) and the page. */
export const AppShell = ({ user, children }: { user: SessionUser; children: ReactNode }) => (
  <div className="flex min-h-screen">
    <a href="#main" className="sr-only focus:not-sr-only focus:absolute focus:left-2 focus:top-2 focus:z-10 focus:rounded-md focus:bg-white focus:px-3 focus:py-2">
      Skip to content
    </a>
    <aside className="sticky top-0 flex h-screen w-56 shrink-0 flex-col border-r border-zinc-200 bg-zinc-50 px-3 py-4">
      <Link href="/" className="mb-5 flex items-center gap-2 px-2.5 text-sm font-semibold text-zinc-900">
        <span aria-hidden="true" className="grid size-6 place-items-center rounded bg-zinc-900 text-[11px] font-bold text-white">
          ml
        </span>
        ml-connector
      </Link>
      <NavLinks />
      <div className="mt-auto space-y-3 border-t border-zinc-200 pt-3">
        <SystemStatus />
        <div className="px-2.5" data-testid="current-user">
          <p className="truncate text-xs font-medium text-zinc-800" title={user.email}>
            {user.email}
          </p>
          <p className="text-xs text-zinc-500">{user.role === "admin" ? "Admin" : "Viewer"}</p>
        </div>
        <SignOutButton />
      </div>
    </aside>
    <main id="main" className="min-w-0 flex-1 px-8 py-6">
      <div className="mx-auto max-w-6xl space-y-6">{children}</div>
    </main>
  </div>
);
