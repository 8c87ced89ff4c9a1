/**
 * How gopkg.in/yaml.v3 (the Pulumi CLI; kustomize's kyaml) resolves a plain scalar that starts with a digit
 * or a sign: it drops every `_`, then tries strconv.ParseInt(plain, 0, 64) (so `010` is octal 8, `-0o17` is
 * -15, `0x_1F` is 31) and a float (yaml.v3 resolve.go, `resolve`, case 'D'/'S'). Neither YAML 1.1 nor 1.2
 * as the `yaml` package reads them agrees on all of these, so both the stack-file check and the render's
 * quoting ask this too.
 */
const INT = /^[-+]?(0[bB][01]+|0[oO][0-7]+|0[xX][0-9a-fA-F]+|0[0-7]*|[1-9][0-9]*)$/;
const FLOAT = /^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$/;

export function goReadsAsNumber(s: string): boolean {
  if (/^\.[0-9]/.test(s)) return FLOAT.test(s);
  if (!/^[-+0-9]/.test(s)) return false;
  const plain = s.replace(/_/g, "");
  return INT.test(plain) || FLOAT.test(plain);
}
