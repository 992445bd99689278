"use client";

import { useState } from "react";
import { Button } from "@/components/ui/button";
import { describedBy, Field, TextArea, TextInput } from "@/components/ui/field";

/**
 * A write-only secret. When one is stored it shows "•••• set" and a Replace button, never the
 * value (the browser does not have it); a blank field keeps what is stored. An `error` (e.g. "enter
 * it again: the URL changed") opens the field.
 */
export const SecretInput = ({
  id,
  label,
  isSet,
  value,
  onChange,
  isDisabled,
  hint,
  error,
  isMultiline = false,
}: {
  id: string;
  label: string;
  isSet: boolean;
  value: string;
  onChange: (value: string) => void;
  isDisabled?: boolean;
  hint?: string;
  error?: string | null;
  isMultiline?: boolean;
}) => {
  const [isReplacing, setIsReplacing] = useState(!isSet);
  if (isSet && !isReplacing && !error) {
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
  const shownHint = isSet ? "Leave blank to keep the stored value." : hint;
  const control = {
    id,
    autoComplete: "off",
    spellCheck: false,
    value,
    disabled: isDisabled,
    "aria-invalid": error ? true : undefined,
    "aria-describedby": describedBy(id, shownHint, error),
  } as const;
  return (
    <Field id={id} label={label} hint={shownHint} error={error}>
      <div className="flex gap-2">
        {isMultiline ? <TextArea {...control} onChange={(e) => onChange(e.target.value)} /> : <TextInput {...control} type="password" onChange={(e) => onChange(e.target.value)} />}
        {isSet && !error ? (
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
