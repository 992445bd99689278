/**
 * Unicode's invisible direction controls: ALM, LRM, RLM, the embeddings and overrides (LRE, RLE,
 * PDF, LRO, RLO) and the isolates (LRI, RLI, FSI, PDI). In text from a vendor they can make
 * "INV-1001‮fdp.exe" read as "INV-1001exe.pdf", or reorder the columns around them.
 */
const BIDI_CONTROLS = /[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

/**
 * Vendor text fit for display: every direction control is replaced by a visible marker such as
 * "<U+202E>", so what is shown is what is stored, in its stored order. Ordinary right-to-left
 * text (Arabic, Hebrew) is left as it is; components/ui/vendor-text.tsx also isolates it with <bdi>
 * so it cannot reorder what stands around it.
 */
export const revealBidiControls = (text: string): string =>
  text.replace(BIDI_CONTROLS, (c) => `<U+${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, "0")}>`);
