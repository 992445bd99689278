"use client";

import type { ReactNode } from "react";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";

/**
 * After a mapping is saved while records wait on it: "Keep held" or "Release now" (Escape keeps them
 * held), and the flow setting that releases by itself from then on.
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
}) => (
  <ConfirmDialog title={title} isOpen={isOpen} isBusy={isBusy} confirmLabel={releaseLabel} busyLabel="Releasing…" cancelLabel="Keep held" onConfirm={onRelease} onCancel={onKeep}>
    {children}
    <label className="mt-3 flex items-start gap-2 text-sm text-zinc-700">
      <input type="checkbox" className="mt-0.5" checked={releaseOnMapping} disabled={isBusy} onChange={(e) => onReleaseOnMappingChange(e.target.checked)} />
      <span>From now on, release held records by themselves when a mapping of this flow is saved</span>
    </label>
  </ConfirmDialog>
);
