"use client";

import { useEffect, useRef, type ReactNode } from "react";
import { Button } from "@/components/ui/button";

/**
 * After a mapping is saved while records wait on it: "Keep held" or "Release now" (a native modal
 * <dialog>, centred, focus trapped; Escape keeps them held), and the flow setting that releases by
 * itself from then on.
 */
export const ReleaseDialog = ({
  title,
  children,
  releaseLabel,
  isOpen,
  isBusy,
  releaseOnMapping,
  onReleaseOnMappingChange,
  onRelease,
  onKeep,
}: {
  title: string;
  children: ReactNode;
  releaseLabel: string;
  isOpen: boolean;
  isBusy: boolean;
  releaseOnMapping: boolean;
  onReleaseOnMappingChange: (on: boolean) => void;
  onRelease: () => void;
  onKeep: () => void;
}) => {
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const d = ref.current;
    if (!d) return;
    if (isOpen && !d.open) d.showModal();
    if (!isOpen && d.open) d.close();
  }, [isOpen]);
  return (
    <dialog
      ref={ref}
      aria-labelledby="release-title"
      onCancel={(e) => {
        e.preventDefault();
        onKeep();
      }}
      className="m-auto w-[30rem] rounded-lg border border-zinc-200 p-0 shadow-lg backdrop:bg-zinc-900/30"
    >
      <div className="p-4">
        <h2 id="release-title" className="text-sm font-semibold text-zinc-900">{title}</h2>
        <div className="mt-2 text-sm text-zinc-600">{children}</div>
        <label className="mt-3 flex items-start gap-2 text-sm text-zinc-700">
          <input type="checkbox" className="mt-0.5" checked={releaseOnMapping} disabled={isBusy} onChange={(e) => onReleaseOnMappingChange(e.target.checked)} />
          <span>From now on, release held records by themselves when a mapping of this flow is saved</span>
        </label>
        <div className="mt-4 flex justify-end gap-2">
          <Button onClick={onKeep} disabled={isBusy}>Keep held</Button>
          <Button variant="primary" onClick={onRelease} disabled={isBusy} autoFocus>
            {isBusy ? "Releasing…" : releaseLabel}
          </Button>
        </div>
      </div>
    </dialog>
  );
};
