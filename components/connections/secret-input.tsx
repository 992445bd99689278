"use client";

import { useState } from "react";
import { Button } from "@/components/ui/button";
import { Field, TextInput } from "@/components/ui/field";

/**
 * A write-only secret. When one is stored it shows "•••• set" and a Replace button, never the
 * value (the browser does not have it); a blank field keeps what is stored.
 */
export const SecretInput = ({
  id,
  label,
  isSet,
  value,
  onChange,
  isDisabled,
  hint,
  type = "password",
}: {
  id: string;
  label: string;
  isSet: boolean;
  value: string;
  onChange: (value: string) => void;
  isDisabled?: boolean;
  hint?: string;
  type?: "password" | "text";
}) => {
  const [isReplacing, setIsReplacing] = useState(!isSet);
  if (isSet && !isReplacing) {
    return (
      <Field id={id} label={label} hint={hint}>
        <div className="flex h-8 items-center gap-2 text-sm">
          <span data-testid={`${id}-set`} className="font-mono text-zinc-700">
            •••• set
          </span>
          {isDisabled ? null : (
            <Button variant="ghost" className="h-7 px-2 text-blue-700" aria-label={`Replace ${label.toLowerCase()}`} onClick={() => setIsReplacing(true)}>
              — replace
            </Button>
          )}
        </div>
      </Field>
    );
  }
  return (
    <Field id={id} label={label} hint={isSet ? "Leave blank to keep the stored value." : hint}>
      <div className="flex gap-2">
        <TextInput id={id} type={type} autoComplete="off" spellCheck={false} value={value} disabled={isDisabled} onChange={(e) => onChange(e.target.value)} />
        {isSet ? (
          <Button
            variant="ghost"
            onClick={() => {
              onChange("");
              setIsReplacing(false);
            }}
          >
            Keep
          </Button>
        ) : null}
      </div>
    </Field>
  );
};
