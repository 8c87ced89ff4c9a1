import { Environment } from "@marcbachmann/cel-js";
import { ALL_NODES, ATTRIBUTE_ROOTS, messageTypeName } from "./attribute-tree";
import { AttributeType } from "./envoy-attributes";

// cel-js's `duration` / `timestamp` shorthands crash as message field types; the full names work.
const CEL_TYPE: Readonly<Record<AttributeType, string>> = {
  string: "string",
  int: "int",
  uint: "uint",
  bool: "bool",
  duration: "google.protobuf.Duration",
  timestamp: "google.protobuf.Timestamp",
  "map<string, string>": "map<string, string>",
  "map<string, dyn>": "map<string, dyn>",
  "map<string, map<string, dyn>>": "map<string, map<string, dyn>>",
};

/** `1.5s`, `-0.25s`, `2s`: the sign in front, seconds, and the fraction without trailing zeros. */
export function formatDuration(d: { seconds: bigint; nanos: number }): string {
  const nanos = d.nanos === 0 ? "" : `.${String(Math.abs(d.nanos)).padStart(9, "0").replace(/0+$/, "")}`;
  // Under a second, the sign is only on the nanos (seconds is 0n, which has no -0).
  const sign = d.seconds < 0n || d.nanos < 0 ? "-" : "";
  const seconds = d.seconds < 0n ? -d.seconds : d.seconds;
  return `${sign}${seconds}${nanos}s`;
}

/**
 * Builds the typed environment: one message type per attribute root and nested message, one variable per
 * root. Costly (milliseconds), so callers use `celEnvironment()`, which builds it once.
 */
export function compileEnvironment(): Environment {
  const env = new Environment();
  // Fields refer to nested message types, so register the deepest messages first.
  const messages = ALL_NODES.filter((n) => n.fields).sort(
    (x, y) => y.path.split(".").length - x.path.split(".").length,
  );
  for (const node of messages) {
    const fields: Record<string, string> = {};
    for (const [name, child] of node.fields!)
      fields[name] = child.attribute ? CEL_TYPE[child.attribute.type] : messageTypeName(child.path);
    env.registerType(messageTypeName(node.path), { fields });
  }
  for (const root of ATTRIBUTE_ROOTS.keys()) env.registerVariable(root, messageTypeName(root));
  // Standard CEL conversions Envoy's cel-cpp has and cel-js lacks; without them a valid
  // `string(request.duration)` would be refused.
  env.registerFunction("string(google.protobuf.Duration): string", formatDuration);
  env.registerFunction("string(google.protobuf.Timestamp): string", (t: Date) => t.toISOString());
  return env;
}

let compiled: Environment | undefined;

/** The environment every check uses, compiled on first use and then shared. */
export function celEnvironment(): Environment {
  compiled ??= compileEnvironment();
  return compiled;
}
