import Link from "next/link";
import type { ComponentProps } from "react";

/** A navigation link styled as a secondary button. */
export const LinkButton = ({ className = "", ...props }: ComponentProps<typeof Link>) => (
  <Link
    className={`inline-flex h-8 items-center rounded-md border border-zinc-300 bg-white px-3 text-sm font-medium text-zinc-800 hover:bg-zinc-50 ${className}`}
    {...props}
  />
);
