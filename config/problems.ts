import { didYouMean } from "../envoy-cel/nearest-name";

export { didYouMean };

/** The config namespace of this project: every key in a stack file starts with it. */
export const NAMESPACE = "mesh-lab";

/**
 * Thrown when a stack's config is invalid. Carries every problem found, so a user fixes them all in one go;
 * each problem names the key, the value given and what is allowed.
 */
export class ConfigError extends Error {
  constructor(
    public readonly stack: string,
    public readonly problems: readonly string[],
  ) {
    super(`stack "${stack}" has ${problems.length} config problem(s):\n  - ${problems.join("\n  - ")}`);
    this.name = "ConfigError";
  }
}

/** Renders a config value the way a user would type it, short enough for one line. */
export function show(value: unknown): string {
  const text = JSON.stringify(value);
  if (text === undefined) return String(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

/**
 * Collects problems while a config tree is read, each tied to the dotted key it concerns
 * (`mesh-lab:apps[1].port`). Readers return `undefined` for a bad value and record why.
 */
export class Problems {
  private readonly found: string[] = [];

  get list(): readonly string[] {
    return this.found;
  }

  add(key: string, value: unknown, expected: string): undefined {
    this.found.push(`key "${key}" is ${show(value)}; expected ${expected}`);
    return undefined;
  }

  missing(key: string, expected: string): undefined {
    this.found.push(`key "${key}" is missing; expected ${expected}`);
    return undefined;
  }

  raw(message: string): void {
    this.found.push(message);
  }

  /** Flags keys of `obj` that are not in `allowed`, with a did-you-mean hint. */
  unknownKeys(prefix: string, obj: Record<string, unknown>, allowed: readonly string[]): void {
    for (const k of Object.keys(obj)) {
      if (allowed.includes(k)) continue;
      const hint = didYouMean(k, allowed);
      const known = hint ? `did you mean "${joinKey(prefix, hint)}"?` : `known keys: ${allowed.join(", ")}`;
      this.found.push(`key "${joinKey(prefix, k)}" is not a ${NAMESPACE} setting; ${known}`);
    }
  }
}

export function joinKey(prefix: string, key: string): string {
  return prefix.endsWith(":") ? `${prefix}${key}` : `${prefix}.${key}`;
}

/** How many names a warning lists before it counts the rest. */
const LISTED = 5;

/** `a, b, c`, or the first LISTED and how many more: a fleet's warning stays one line. */
export function some(items: readonly string[]): string {
  const shown = items.slice(0, LISTED).join(", ");
  return items.length > LISTED ? `${shown} and ${items.length - LISTED} more` : shown;
}
