import * as assert from "assert";
import fc from "fast-check";
import { naturalCompare, naturalSort } from "../config/natural-order";

const sign = (n: number) => Math.sign(n);
// Names like stack names: letters, dashes, digits, leading zeros included, so digit runs meet every case.
const name = fc.stringMatching(/^[a-z0-9-]{0,12}$/);
const anyString = fc.string({ maxLength: 12 });

describe("naturalCompare (stacks in the order people read them)", () => {
  it("puts cluster-2 before cluster-10, and sorts a fleet by number", () => {
    assert.ok(naturalCompare("cluster-2", "cluster-10") < 0);
    assert.ok(naturalCompare("cluster-10", "cluster-2") > 0);
    assert.deepStrictEqual(naturalSort(["cluster-10", "cluster-1", "cluster-2", "edge-3", "cluster-100"]), [
      "cluster-1",
      "cluster-2",
      "cluster-10",
      "cluster-100",
      "edge-3",
    ]);
  });

  it("puts the empty string first", () => {
    for (const s of ["A", "a", "0", "-"]) {
      assert.ok(naturalCompare("", s) < 0, s);
      assert.ok(naturalCompare(s, "") > 0, s);
    }
  });

  it("compares digit runs of any length by value, not as doubles", () => {
    assert.ok(naturalCompare("c-99999999999999999998", "c-99999999999999999999") < 0);
    assert.ok(naturalCompare("c-9", "c-00010") < 0);
    // Every leading zero goes before the lengths are compared, not just the first.
    assert.ok(naturalCompare("c-001", "c-2") < 0);
    assert.ok(naturalCompare("c-2", "c-001") > 0);
  });

  it("is 0 only for equal strings (a tie in value such as 7 and 007 falls back to plain order)", () => {
    assert.ok(naturalCompare("c-7", "c-007") > 0);
    assert.ok(naturalCompare("c-007", "c-7") < 0);
    fc.assert(
      fc.property(
        fc.oneof(name, anyString),
        fc.oneof(name, anyString),
        (a, b) => (naturalCompare(a, b) === 0) === (a === b),
      ),
    );
  });

  it("is antisymmetric", () => {
    fc.assert(
      fc.property(
        fc.oneof(name, anyString),
        fc.oneof(name, anyString),
        (a, b) => sign(naturalCompare(a, b)) === -sign(naturalCompare(b, a)),
      ),
    );
  });

  it("is transitive", () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(name, anyString), { minLength: 3, maxLength: 3 }), (xs) => {
        const [a, b, c] = naturalSort(xs);
        return naturalCompare(a, b) <= 0 && naturalCompare(b, c) <= 0 && naturalCompare(a, c) <= 0;
      }),
      { numRuns: 2000 },
    );
  });

  it("gives one order whatever order the input came in", () => {
    fc.assert(
      fc.property(fc.array(name, { maxLength: 20 }), fc.nat(), (xs, seed) => {
        const shuffled = [...xs].sort((p, q) => ((p.length * 31 + seed) % 7) - ((q.length * 31 + seed) % 7));
        assert.deepStrictEqual(naturalSort(shuffled), naturalSort(xs));
      }),
    );
  });

  it("agrees with plain comparison when the digit runs have equal length", () => {
    const digits = (n: number) =>
      fc.array(fc.constantFrom(..."0123456789"), { minLength: n, maxLength: n }).map((d) => d.join(""));
    fc.assert(
      fc.property(
        fc.stringMatching(/^[a-z-]{0,6}$/),
        fc.integer({ min: 1, max: 25 }).chain((n) => fc.tuple(digits(n), digits(n))),
        fc.stringMatching(/^[a-z-]{0,4}$/),
        (prefix, [x, y], suffix) => {
          const a = `${prefix}${x}${suffix}`;
          const b = `${prefix}${y}${suffix}`;
          return sign(naturalCompare(a, b)) === sign(a < b ? -1 : a > b ? 1 : 0);
        },
      ),
    );
  });
});
