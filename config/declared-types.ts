import { isObject } from "./readers";
import { show } from "./problems";

/** A `type`/`items` declaration of Pulumi.yaml's `config:` block. */
export interface TypeDeclaration {
  readonly type?: unknown;
  readonly items?: unknown;
}

// Go's strconv.Atoi: an optional sign and decimal digits.
const ATOI = /^[+-]?[0-9]+$/;

/**
 * The Pulumi CLI's rule (pulumi/pulumi sdk/go/common/workspace/project.go `ValidateConfigValue`, applied by
 * pkg/workspace/config.go `validateStackConfigValue`). A scalar stack value reaches it as its text, so any
 * scalar is a string, an integer is text Atoi parses, a boolean is exactly "true" or "false". Inside a list,
 * items keep their JSON types.
 */
function matches(decl: TypeDeclaration, value: unknown): boolean {
  switch (decl.type) {
    case "string":
      return typeof value === "string";
    case "integer":
      return (typeof value === "number" && Number.isInteger(value)) || (typeof value === "string" && ATOI.test(value));
    case "boolean":
      return typeof value === "boolean" || value === "true" || value === "false";
    case "object":
      return isObject(value);
    case "array":
      return (
        Array.isArray(value) && isObject(decl.items) && value.every((v) => matches(decl.items as TypeDeclaration, v))
      );
    default:
      return true;
  }
}

/** The CLI's name for a declared type (`InferFullTypeName`): `array<object>`. */
export function fullTypeName(decl: TypeDeclaration): string {
  return isObject(decl.items) ? `array<${fullTypeName(decl.items)}>` : String(decl.type);
}

const WHAT: Readonly<Record<string, string>> = {
  string: "a string",
  integer: "an integer",
  boolean: "true or false",
  object: "an object",
  array: "a list",
};

/**
 * The problem `pulumi up` would stop on for this merged value (stack value, else the declared default), or
 * undefined when it has the declared type. An undeclared type is not checked, as the CLI does not check it.
 */
export function declaredTypeProblem(
  stack: string,
  key: string,
  decl: TypeDeclaration,
  value: unknown,
): string | undefined {
  if (typeof decl.type !== "string") return undefined;
  const text = typeof value === "number" || typeof value === "boolean" ? String(value) : value;
  if (matches(decl, text)) return undefined;
  const type = fullTypeName(decl);
  const declared = key.slice(key.indexOf(":") + 1);
  return (
    `key "${key}" is ${show(value)}; expected ${WHAT[decl.type] ?? type} ` +
    `(Pulumi.yaml declares it ${type}; pulumi up refuses the stack: "Stack '${stack}' with configuration key '${declared}' must be of type '${type}'")`
  );
}
