import { parse } from "yaml";
import { goReadsAsNumber } from "../config/go-yaml";

// Which strings the render must quote in the YAML it writes.

/**
 * needsQuotes answers by string, for one render: a fleet writes the same strings thousands of times, and each
 * answer costs two YAML parses. Per render, not per process: a cache that outlives a call would also keep
 * answers across Stryker's mutant runs, which run in one process, and hide the mutants (docs/testing.md).
 */
export type QuoteCache = Map<string, boolean>;

/**
 * Most strings a render writes are words (names, labels, API groups), answered without parsing: one that starts
 * with a letter and holds only letters, digits, `_`, `.`, `/` and `-` reads back as itself under YAML 1.1 and 1.2
 * unless it is a YAML 1.1 boolean or null. Numbers, timestamps, `.inf` and `~` start otherwise; `:`, `#` and
 * spaces are not in it. A bare exponent (`e1`, `E-5`) is left to the parses: the yaml package's YAML 1.1 float
 * allows it (yaml-1.1/float.js). tests/render-yaml.test.ts checks this against the two parses on generated words.
 */
const WORD = /^(?![eE]-?[0-9]+$)[A-Za-z][A-Za-z0-9_./-]*$/;
const NOT_STRINGS = new Set([
  "y",
  "Y",
  "yes",
  "Yes",
  "YES",
  "n",
  "N",
  "no",
  "No",
  "NO",
  "true",
  "True",
  "TRUE",
  "false",
  "False",
  "FALSE",
  "on",
  "On",
  "ON",
  "off",
  "Off",
  "OFF",
  "null",
  "Null",
  "NULL",
]);

/**
 * True when `s`, written as a plain scalar, would not read back as that string under YAML 1.1 (Go's
 * gopkg.in/yaml.v2, kubectl) or YAML 1.2 (yaml.v3, kustomize): `yes`, `on`, `y`, `~`, `2024-01-01`, `0o12`,
 * `1e3`, `1:20`, `<<`, leading spaces, and what only Go's yaml.v3 reads as a number (`-0o17`, `0_1`)... Such
 * strings are double-quoted.
 */
export function needsQuotes(s: string, cache: QuoteCache = new Map()): boolean {
  if (WORD.test(s)) return NOT_STRINGS.has(s);
  let cached = cache.get(s);
  if (cached === undefined) {
    cached =
      s === "<<" ||
      goReadsAsNumber(s) ||
      ["1.1", "1.2"].some((version) => {
        try {
          return parse(s, { version: version as "1.1" | "1.2", logLevel: "silent" }) !== s;
        } catch {
          return true;
        }
      });
    cache.set(s, cached);
  }
  return cached;
}
