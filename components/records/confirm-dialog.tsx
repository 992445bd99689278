"use client";

import { useEffect, useRef, type ReactNode } from "react";
import { Button } from "@/components/ui/button";

/** A modal confirmation (native <dialog>: focus trapped, Escape cancels). */
export const ConfirmDialog = ({
  title,
  children,
  confirmLabel,
  isOpen,
  isBusy = false,
  onConfirm,
  onCancel,
}: {
  title: string;
  children: ReactNode;
  confirmLabel: string;
  isOpen: boolean;
  isBusy?: boolean;
  onConfirm: () => void;
  onCancel: () => void;
}) => {
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const d = ref.current;
    if (!d) return;
    if (isOpen && !d.open) d.showModal();
    if (!isOpen && d.open) d.close();
  }, [isOpen]);
  return (
    <dialog ref={ref} aria-labelledby="confirm-title" onCancel={(e) => { e.preventDefault(); onCancel(); }} className="w-[28rem] rounded-lg border border-zinc-200 p-0 shadow-lg backdrop:bg-zinc-900/30">
      <div className="p-4">
        <h2 id="confirm-title" className="text-sm font-semibold text-zinc-900">{title}</h2>
        <div className="mt-2 text-sm text-zinc-600">{children}</div>
        <div className="mt-4 flex justify-end gap-2">
          <Button onClick={onCancel} disabled={isBusy}>Cancel</Button>
          <Button variant="primary" onClick={onConfirm} disabled={isBusy} autoFocus>
            {isBusy ? "Working…" : confirmLabel}
          </Button>
        </div>
      </div>
    </dialog>
  );
};
