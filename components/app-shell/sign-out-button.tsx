"use client";

import { signOut } from "next-auth/react";
import { useState } from "react";
import { Button } from "@/components/ui/button";

/** Ends the session, then loads /login (a full load, so no signed-in page stays in memory). */
export const SignOutButton = () => {
  const [isPending, setIsPending] = useState(false);
  return (
    <Button
      variant="ghost"
      className="w-full justify-start"
      disabled={isPending}
      onClick={async () => {
        setIsPending(true);
        await signOut({ redirect: false });
        window.location.assign("/login");
      }}
    >
      {isPending ? "Signing out…" : "Sign out"}
    </Button>
  );
};
