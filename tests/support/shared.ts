/** A value several tests read, computed once, by the first test that asks for it. */
export function shared<T>(compute: () => Promise<T>): () => Promise<T> {
  let cached: Promise<T> | undefined;
  return () => (cached ??= compute());
}
