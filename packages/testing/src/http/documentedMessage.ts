/**
 * Whether `text` is one of `documented`, with `%s`/`%d`/`%b` placeholders matching any filling. For tests that
 * check the fake's literals against the docs' own lists.
 */
export function isDocumentedMessage(documented: readonly string[], text: string): boolean {
  return documented.some((doc) => {
    if (doc === text) return true;
    const pattern = doc.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/%[sdb]/g, '.+');
    return new RegExp(`^${pattern}$`).test(text);
  });
}
