"use client";

/** An on/off switch for a flow (role="switch", so keyboard and screen readers treat it as one). */
export const FlowToggle = ({ name, enabled, isDisabled, onChange }: { name: string; enabled: boolean; isDisabled?: boolean; onChange: (enabled: boolean) => void }) => (
  <button
    type="button"
    role="switch"
    aria-checked={enabled}
    aria-label={`${name} on`}
    disabled={isDisabled}
    onClick={() => onChange(!enabled)}
    className={`relative inline-flex h-5 w-9 shrink-0 items-center rounded-full transition-colors disabled:cursor-not-allowed disabled:opacity-60 ${enabled ? "bg-emerald-600" : "bg-zinc-300"}`}
  >
    <span aria-hidden="true" className={`inline-block size-4 rounded-full bg-white shadow transition-transform ${enabled ? "translate-x-4.5" : "translate-x-0.5"}`} />
  </button>
);
