"use client";

import { useState } from "react";
import { Button } from "@/components/ui/button";

/** Copies `value` to the clipboard and says so for two seconds. */
export const CopyButton = ({ value, label }: { value: string; label: string }) => {
  const [isCopied, setIsCopied] = useState(false);
  return (
    <Button
      className="h-7 px-2 text-xs"
      aria-label={`Copy ${label}`}
      onClick={() =>
        void navigator.clipboard?.writeText(value).then(() => {
          setIsCopied(true);
          setTimeout(() => setIsCopied(false), 2000);
        })
      }
    >
      {isCopied ? "Copied" : "Copy"}
    </Button>
  );
};
