/** `s` with the LIKE wildcards (`%`, `_`) and the escape character quoted, to match it literally. */
export function escapeLike(s: string): string {
  return s.replace(/[\\%_]/g, (c) => `\\${c}`);
}
