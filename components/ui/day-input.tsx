import type { InputHTMLAttributes } from "react";
import { TextInput } from "./field";

/**
 * A calendar day typed and shown as "YYYY-MM-DD" whatever the browser's locale (a native date input
 * shows "12/07/2026" in the US and "07.12.2026" in Germany, beside ISO dates everywhere else).
 * The form refuses to submit anything else (`pattern`).
 */
export const DayInput = (props: Omit<InputHTMLAttributes<HTMLInputElement>, "type" | "pattern" | "placeholder" | "maxLength">) => (
  <TextInput
    {...props}
    type="text"
    inputMode="numeric"
    autoComplete="off"
    maxLength={10}
    placeholder="YYYY-MM-DD"
    pattern="\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])"
    title="A day as YYYY-MM-DD, e.g. 2026-12-07"
  />
);
