"use client";

import Link, { useLinkStatus } from "next/link";
import { usePathname } from "next/navigation";

/** Sidebar destinations, in the order a finance admin sets things up. */
export const NAV_ITEMS = [
  { href: "/", label: "Dashboard", icon: "M3 12l9-8 9 8M5 10v10h14V10" },
  { href: "/connections", label: "Connections", icon: "M10 14a4 4 0 005.66 0l3-3a4 4 0 00-5.66-5.66l-1 1M14 10a4 4 0 00-5.66 0l-3 3a4 4 0 005.66 5.66l1-1" },
  { href: "/flows", label: "Flows", icon: "M4 7h11m0 0l-3-3m3 3l-3 3M20 17H9m0 0l3-3m-3 3l3 3" },
  { href: "/mappings", label: "Mappings", icon: "M4 6h6v4H4zM14 14h6v4h-6zM10 8h2a2 2 0 012 2v4a2 2 0 002 2" },
  { href: "/records", label: "Records", icon: "M5 4h14v16H5zM9 8h6M9 12h6M9 16h4" },
] as const;

export const SETTINGS_ITEMS = [
  { href: "/settings/users", label: "Users", icon: "M16 19v-1a4 4 0 00-4-4H8a4 4 0 00-4 4v1M10 10a3 3 0 100-6 3 3 0 000 6zM20 19v-1a4 4 0 00-3-3.87M15 4.13a3 3 0 010 5.75" },
  { href: "/settings/changes", label: "Change log", icon: "M12 8v4l3 2M21 12a9 9 0 11-18 0 9 9 0 0118 0" },
  { href: "/settings/account", label: "Account", icon: "M12 12a4 4 0 100-8 4 4 0 000 8zM4 20a8 8 0 0116 0" },
] as const;

type NavItem = { href: string; label: string; icon: string };

/**
 * Shown inside a link while the navigation it started is under way (a slow network shows the click
 * was taken at once, instead of nothing for a second); `aria-busy` tells a screen reader the same.
 */
const PendingMark = () => {
  const { pending } = useLinkStatus();
  return (
    <span
      aria-hidden={!pending}
      data-testid={pending ? "nav-pending" : undefined}
      className={`ml-auto size-3 rounded-full border-2 border-zinc-300 border-t-zinc-700 ${pending ? "animate-spin opacity-100" : "opacity-0"}`}
    >
      {pending ? <span className="sr-only">Loading…</span> : null}
    </span>
  );
};

const isActive = (pathname: string, href: string) => (href === "/" ? pathname === "/" : pathname === href || pathname.startsWith(`${href}/`));

const NavList = ({ items, pathname }: { items: readonly NavItem[]; pathname: string }) => (
  <ul className="space-y-0.5">
    {items.map((item) => {
      const isCurrent = isActive(pathname, item.href);
      return (
        <li key={item.href}>
          <Link
            href={item.href}
            aria-current={isCurrent ? "page" : undefined}
            className={`flex h-8 items-center gap-2.5 rounded-md px-2.5 text-sm ${
              isCurrent ? "bg-zinc-200/70 font-medium text-zinc-900" : "text-zinc-600 hover:bg-zinc-100 hover:text-zinc-900"
            }`}
          >
            <svg aria-hidden="true" viewBox="0 0 24 24" className="size-4 shrink-0" fill="none" stroke="currentColor" strokeWidth="1.75" strokeLinecap="round" strokeLinejoin="round">
              <path d={item.icon} />
            </svg>
            {item.label}
            <PendingMark />
          </Link>
        </li>
      );
    })}
  </ul>
);

/** Main and settings navigation; marks the current section with aria-current. */
export const NavLinks = () => {
  const pathname = usePathname() ?? "/";
  return (
    <nav aria-label="Main" className="space-y-5">
      <NavList items={NAV_ITEMS} pathname={pathname} />
      <div>
        <p className="px-2.5 pb-1 text-xs font-medium uppercase tracking-wide text-zinc-500">Settings</p>
        <NavList items={SETTINGS_ITEMS} pathname={pathname} />
      </div>
    </nav>
  );
};
