"use client";

import { useEffect, useId, useRef, type ReactNode } from "react";
import { Button } from "@/components/ui/button";

/**
 * A modal confirmation (native <dialog>: focus trapped, Escape cancels), centred on the viewport
 * (`m-auto`: the CSS reset removes the browser's own centring margin). `isAlert` announces it as an
 * alertdialog: a warning that needs an answer before anything happens, with the focus on Cancel.
 */
export const ConfirmDialog = ({
  title,
  children,
  confirmLabel,
  cancelLabel = "Cancel",
  busyLabel = "Working…",
  isOpen,
  isBusy = false,
  isAlert = false,
  onConfirm,
  onCancel,
}: {
  title: string;
  children: ReactNode;
  confirmLabel: string;
  cancelLabel?: string;
  busyLabel?: string;
  isOpen: boolean;
  isBusy?: boolean;
  isAlert?: boolean;
  onConfirm: () => void;
  onCancel: () => void;
}) => {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  useEffect(() => {
    const d = ref.current;
    if (!d) return;
    if (isOpen && !d.open) d.showModal();
    if (!isOpen && d.open) d.close();
  }, [isOpen]);
  return (
    <dialog
      ref={ref}
      role={isAlert ? "alertdialog" : undefined}
      aria-labelledby={titleId}
      onCancel={(e) => {
        e.preventDefault();
        onCancel();
      }}
      className="m-auto w-[28rem] max-w-[calc(100vw-2rem)] rounded-lg border border-zinc-200 p-0 shadow-lg backdrop:bg-zinc-900/30"
    >
      <div className="p-4">
        <h2 id={titleId} className="text-sm font-semibold text-zinc-900">
          {title}
        </h2>
        <div className="mt-2 text-sm text-zinc-600">{children}</div>
        <div className="mt-4 flex justify-end gap-2">
          {/* a warning starts on the safe answer */}
          <Button onClick={onCancel} disabled={isBusy} autoFocus={isAlert}>
            {cancelLabel}
          </Button>
          <Button variant="primary" onClick={onConfirm} disabled={isBusy} autoFocus={!isAlert}>
            {isBusy ? busyLabel : confirmLabel}
          </Button>
        </div>
      </div>
    </dialog>
  );
};
