"use client";

import type { FieldOption } from "@/lib/connectors/types";
import type { DynamicSelectField, FieldValue } from "@/lib/connections/form-values";
import { describedBy, Field, Select, TextArea, TextInput } from "./field";

/**
 * One field of a form declared as data (a connector's settings, a flow's settings): text, URL,
 * number, select or on/off, with its label, help, placeholder and the server's error for it. A
 * select whose choices come from the vendor is a text input until they were read (`readOptions`),
 * then a select that also keeps the current value. Secrets are not rendered here (SecretInput).
 */
export const DeclaredField = ({
  id,
  field,
  value,
  onChange,
  error,
  readOptions,
  isDisabled,
}: {
  id: string;
  field: DynamicSelectField;
  value: FieldValue | undefined;
  onChange: (value: FieldValue) => void;
  error?: string | null;
  readOptions?: FieldOption[];
  isDisabled?: boolean;
}) => {
  const label = field.required || field.type === "boolean" ? field.label : `${field.label} (optional)`;
  const aria = { "aria-invalid": error ? true : undefined, "aria-describedby": describedBy(id, field.help, error), disabled: isDisabled } as const;
  if (field.type === "boolean") {
    return (
      <div className="flex gap-2">
        <input id={id} type="checkbox" className="mt-0.5 size-4 accent-blue-700" checked={value === true} onChange={(e) => onChange(e.target.checked)} {...aria} />
        <div>
          <label htmlFor={id} className="text-sm font-medium text-zinc-800">
            {label}
          </label>
          {error ? (
            <p id={`${id}-error`} data-testid={`${id}-error`} className="text-xs font-medium text-red-700">
              {error}
            </p>
          ) : null}
          {field.help ? (
            <p id={`${id}-hint`} className="text-xs text-zinc-500">
              {field.help}
            </p>
          ) : null}
        </div>
      </div>
    );
  }
  const text = typeof value === "string" ? value : "";
  const options = selectOptions(field, readOptions, text);
  return (
    <Field id={id} label={label} hint={field.help} error={error}>
      {options ? (
        <Select id={id} value={text} onChange={(e) => onChange(e.target.value)} {...aria}>
          {field.required && text !== "" ? null : <option value="">—</option>}
          {options.map((o) => (
            <option key={o.value} value={o.value}>
              {o.label}
            </option>
          ))}
        </Select>
      ) : field.multiline ? (
        <TextArea id={id} value={text} placeholder={field.placeholder} spellCheck={false} onChange={(e) => onChange(e.target.value)} {...aria} />
      ) : (
        <TextInput
          id={id}
          type={field.type === "url" ? "url" : "text"}
          inputMode={field.type === "number" ? "decimal" : undefined}
          value={text}
          placeholder={field.placeholder}
          onChange={(e) => onChange(e.target.value)}
          {...aria}
        />
      )}
    </Field>
  );
};

/** The choices of a select (null: render a text input), the current value kept and marked when it is not offered. */
const selectOptions = (field: DynamicSelectField, readOptions: FieldOption[] | undefined, current: string): FieldOption[] | null => {
  if (field.type !== "select") return null;
  if (field.dynamicOptions) {
    if (!readOptions?.length) return null;
    return current && !readOptions.some((o) => o.value === current) ? [...readOptions, { value: current, label: `${current} (not offered by this instance)` }] : readOptions;
  }
  const declared = field.options ?? [];
  return current && !declared.some((o) => o.value === current) ? [...declared, { value: current, label: current }] : declared;
};
