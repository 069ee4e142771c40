// Estimates text widths without a DOM, so box sizes are the same in the server, the CLI and the webview.

// Advance widths in em for a Helvetica/Arial-like sans-serif; unknown characters count as average lowercase.
const NARROW = new Set("il.,:;'|!Ijf()[]{} ");
const SEMI = new Set('rt-/');
const WIDE = new Set('mwMW@%');

export function charWidthEm(c: string): number {
  if (NARROW.has(c)) return 0.28;
  if (SEMI.has(c)) return 0.36;
  if (WIDE.has(c)) return 0.86;
  if (c >= '0' && c <= '9') return 0.56;
  if (c >= 'A' && c <= 'Z') return 0.68;
  if (c === '×' || c === '⟨' || c === '⟩' || c === '…') return 0.6;
  return 0.54;
}

/** Width in px of `text` at `fontPx`, bold text 7% wider. */
export function textWidth(text: string, fontPx: number, bold = false): number {
  let em = 0;
  for (const c of text) em += charWidthEm(c);
  return em * fontPx * (bold ? 1.07 : 1);
}

/** Shortens `text` to at most `maxChars` characters with a middle ellipsis (keeps both ends of long names). */
export function ellipsize(text: string, maxChars: number): string {
  if (text.length <= maxChars) return text;
  const keep = maxChars - 1;
  const head = Math.ceil(keep / 2);
  return `${text.slice(0, head)}…${text.slice(text.length - (keep - head))}`;
}
