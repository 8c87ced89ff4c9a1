// Stack names as people read them: cluster-2 before cluster-10. Runs of digits compare by value, the rest by
// UTF-16 code units (locale-free, so the order is the same on every machine and in CI).
const CHUNK = /(\d+)|(\D+)/g;

function chunks(s: string): string[] {
  return s.match(CHUNK) ?? [];
}

function compareDigits(a: string, b: string): number {
  const x = a.replace(/^0+(?=\d)/, "");
  const y = b.replace(/^0+(?=\d)/, "");
  if (x.length !== y.length) return x.length < y.length ? -1 : 1;
  return x < y ? -1 : x > y ? 1 : 0;
}

/**
 * A total order on strings: like plain comparison, except that runs of digits compare by numeric value
 * (of any length). Ties in value ("7" vs "007") and everything else fall back to plain comparison, so only
 * equal strings compare equal.
 */
export function naturalCompare(a: string, b: string): number {
  const xs = chunks(a);
  const ys = chunks(b);
  for (let i = 0; i < Math.min(xs.length, ys.length); i++) {
    const x = xs[i];
    const y = ys[i];
    const digits = /^\d/.test(x) && /^\d/.test(y);
    const c = digits ? compareDigits(x, y) : x < y ? -1 : x > y ? 1 : 0;
    if (c !== 0) return c;
  }
  if (xs.length !== ys.length) return xs.length < ys.length ? -1 : 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

/** A sorted copy in natural order. */
export function naturalSort(values: readonly string[]): string[] {
  return [...values].sort(naturalCompare);
}
