import { revealBidiControls } from "@/lib/records/reveal-bidi-controls";

/**
 * Text that came from a vendor (document numbers, names, error messages): direction controls are
 * shown as visible markers and the text is isolated (<bdi>), so it can neither disguise itself nor
 * reorder the text around it.
 */
export const VendorText = ({ children, className }: { children: string | null | undefined; className?: string }) =>
  children ? <bdi className={className}>{revealBidiControls(children)}</bdi> : null;
