/**
 * How gopkg.in/yaml.v3 (the Pulumi CLI; kustomize's kyaml) resolves a plain scalar (yaml.v3 resolve.go,
 * `resolve`). One that starts with a digit or a sign: every `_` dropped, then strconv.ParseInt(plain, 0, 64)
 * (so `010` is octal 8, `-0o17` is -15, `0x_1F` is 31), then strconv.ParseFloat, which also takes hex floats
 * (`0x1p-2`) and a signed infinity (`+inf`, `-Infinity`, any case; Go's strconv `special`). One that starts
 * with a dot: ParseFloat on the scalar as written, where an `_` may only sit between two digits (strconv
 * `underscoreOK`). Neither YAML 1.1 nor 1.2 as the `yaml` package reads them agrees on all of these, so both
 * the stack-file check and the render's quoting ask this too.
 */
const INT = /^[-+]?(0[bB][01]+|0[oO][0-7]+|0[xX][0-9a-fA-F]+|0[0-7]*|[1-9][0-9]*)$/;
const FLOAT = /^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$/;
const HEX_FLOAT = /^[-+]?0[xX]([0-9a-fA-F]+(\.[0-9a-fA-F]*)?|\.[0-9a-fA-F]+)[pP][-+]?[0-9]+$/;
const SIGNED_INFINITY = /^[-+](inf|infinity)$/i;

export function goReadsAsNumber(s: string): boolean {
  if (/^\.[0-9]/.test(s)) return FLOAT.test(s.replace(/(?<=[0-9])_(?=[0-9])/g, ""));
  if (!/^[-+0-9]/.test(s)) return false;
  const plain = s.replace(/_/g, "");
  return INT.test(plain) || FLOAT.test(plain) || HEX_FLOAT.test(plain) || SIGNED_INFINITY.test(plain);
}
