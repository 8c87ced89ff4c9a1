import * as assert from "assert";
import { goReadsAsNumber } from "../config/go-yaml";

// What the Pulumi CLI's and kustomize's YAML library (gopkg.in/yaml.v3) reads as a number, for the stack-file
// check and the render's quoting: `_` dropped, then Go's ParseInt with base prefixes, then ParseFloat.
describe("goReadsAsNumber: yaml.v3's numbers", () => {
  it("reads integers in every base Go's ParseInt takes, with underscores anywhere", () => {
    for (const s of ["0", "42", "-7", "+7", "010", "-0o17", "0x_1F", "0b101", "1_000"])
      assert.strictEqual(goReadsAsNumber(s), true, s);
  });

  it("reads floats: decimal, hex with a binary exponent, a signed infinity, and a leading dot with underscores between digits", () => {
    for (const s of [
      ".5",
      "1.5",
      "-1.5e3",
      "+1e3",
      "1_0.5",
      "3.",
      "0x1p-2",
      "0X1.8P1",
      "+inf",
      "-Infinity",
      "+INF",
      ".5_0",
      ".5e1_0",
    ]) {
      assert.strictEqual(goReadsAsNumber(s), true, s);
    }
  });

  it("reads no word, no scalar starting with an underscore, and nothing a base or float cannot parse", () => {
    for (const s of [
      "abc",
      "_1",
      "x1",
      "._5",
      ".5__0",
      ".5_",
      "0b12",
      "1.2.3",
      "1e",
      "0x1.8",
      "-",
      "",
      "inf",
      "+nan",
      "+infinit",
    ]) {
      assert.strictEqual(goReadsAsNumber(s), false, s);
    }
  });
});
