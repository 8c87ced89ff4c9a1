import { Problems } from "./problems";

/** Kubernetes object names that must be DNS-1123 labels (namespaces, services, apps). */
const LABEL = "[a-z0-9]([-a-z0-9]*[a-z0-9])?";
const DNS_LABEL = new RegExp(`^${LABEL}$`);
export const DNS_LABEL_RULE =
  "a DNS-1123 label (lowercase letters, digits and '-', 1-63 characters, starting and ending alphanumeric)";

/** True when `s` is a DNS-1123 label: DNS_LABEL_RULE. */
export const isDnsLabel = (s: string) => s.length <= 63 && DNS_LABEL.test(s);

/** Names that may be DNS-1123 subdomains (Secrets, ServiceAccounts): DNS labels joined by dots. */
const DNS_SUBDOMAIN = new RegExp(`^${LABEL}(\\.${LABEL})*$`);
export const DNS_SUBDOMAIN_RULE =
  "a DNS-1123 subdomain (lowercase letters, digits, '-' and '.', at most 253 characters, starting and ending alphanumeric)";

// repo[:port]/path:tag, or ...@sha256:<64 hex>: the tag or digest is what makes a deploy repeatable.
const IMAGE =
  /^[a-z0-9]+([._-][a-z0-9]+)*(:[0-9]+)?(\/[a-z0-9]+([._-][a-z0-9]+)*)*(:[\w][\w.-]{0,127})?(@sha256:[a-f0-9]{64})?$/;
export const IMAGE_RULE = "an image reference with a tag or a digest (repo:tag or repo@sha256:<64 hex>)";

export function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** Typed readers over one config tree. Each returns `undefined` (and records a problem) on a bad value. */
export class Reader {
  constructor(public readonly problems: Problems) {}

  string(key: string, v: unknown, what = "a non-empty string"): string | undefined {
    if (typeof v !== "string" || v.trim() === "") return this.problems.add(key, v, what);
    return v;
  }

  dnsLabel(key: string, v: unknown): string | undefined {
    if (typeof v !== "string" || !isDnsLabel(v)) return this.problems.add(key, v, DNS_LABEL_RULE);
    return v;
  }

  dnsSubdomain(key: string, v: unknown): string | undefined {
    if (typeof v !== "string" || v.length > 253 || !DNS_SUBDOMAIN.test(v))
      return this.problems.add(key, v, DNS_SUBDOMAIN_RULE);
    return v;
  }

  image(key: string, v: unknown): string | undefined {
    const hasTagOrDigest = typeof v === "string" && (v.includes("@") || /:[^/]+$/.test(v));
    if (typeof v !== "string" || !IMAGE.test(v) || !hasTagOrDigest) return this.problems.add(key, v, IMAGE_RULE);
    return v;
  }

  boolean(key: string, v: unknown): boolean | undefined {
    if (typeof v === "boolean") return v;
    return this.problems.add(key, v, "true or false");
  }

  integer(key: string, v: unknown, min: number, max: number): number | undefined {
    if (typeof v !== "number" || !Number.isInteger(v) || v < min || v > max) {
      return this.problems.add(key, v, `an integer ${min}-${max}`);
    }
    return v;
  }

  oneOf<T extends string>(key: string, v: unknown, allowed: readonly T[]): T | undefined {
    if (typeof v !== "string" || !(allowed as readonly string[]).includes(v)) {
      return this.problems.add(key, v, `one of ${allowed.join(", ")}`);
    }
    return v as T;
  }

  /** A list of `item`s; `nonEmpty` refuses `[]` where an empty list would be a silent no-op. */
  list<T>(
    key: string,
    v: unknown,
    item: (k: string, x: unknown) => T | undefined,
    nonEmpty: boolean,
    what: string,
  ): T[] | undefined {
    if (!Array.isArray(v) || (nonEmpty && v.length === 0)) {
      return this.problems.add(key, v, `${nonEmpty ? "a non-empty" : "a"} list of ${what}`);
    }
    const out: T[] = [];
    let ok = true;
    v.forEach((x, i) => {
      const r = item(`${key}[${i}]`, x);
      if (r === undefined) ok = false;
      else out.push(r);
    });
    return ok ? out : undefined;
  }

  object(key: string, v: unknown, allowed: readonly string[]): Record<string, unknown> | undefined {
    if (!isObject(v)) return this.problems.add(key, v, `an object with keys ${allowed.join(", ")}`);
    this.problems.unknownKeys(key, v, allowed);
    return v;
  }
}
