import { spawnSync } from "child_process";
import { parseSettings } from "../../config/parse-settings";
import { loadStackConfig } from "../../config/project-files";
import { observedCluster } from "../../plan/observability/observed";
import { AppSloSetting, DEFAULT_OBSERVABILITY, ObservabilitySettings } from "../../config/observability-settings";
import { ObservedCluster } from "../../plan/observability/settings";
import { SAMPLE } from "./stacks";

/**
 * A real stack's settings (Pulumi.yaml defaults plus the stack file) as the observability builders see them,
 * with config keys replaced (values JSON-encoded as Pulumi passes them) and observability settings overridden.
 */
export function observed(
  stack = "cluster-1",
  opts: {
    config?: Record<string, unknown>;
    observability?: Partial<ObservabilitySettings>;
    slos?: (AppSloSetting | undefined)[];
  } = {},
): ObservedCluster {
  const raw: Record<string, string> = { ...loadStackConfig(SAMPLE, stack).raw };
  for (const [k, v] of Object.entries(opts.config ?? {}))
    raw[`mesh-lab:${k}`] = typeof v === "string" ? v : JSON.stringify(v);
  const settings = parseSettings(stack, raw);
  return observedCluster(settings, { ...DEFAULT_OBSERVABILITY, deploy: "all", ...opts.observability }, opts.slos);
}

/** The default apps and telemetry of Pulumi.yaml, to edit in a test. */
export function defaults(stack = "cluster-1"): {
  apps: Record<string, unknown>[];
  telemetry: { overrides: { match: { metric: string }; tagOverrides: Record<string, unknown> }[] } & Record<
    string,
    unknown
  >;
} {
  const raw = loadStackConfig(SAMPLE, stack).raw;
  return { apps: JSON.parse(raw["mesh-lab:apps"]), telemetry: JSON.parse(raw["mesh-lab:telemetry"]) };
}

/** Why promtool cannot run here, or undefined when it can. */
export function promtoolMissing(): string | undefined {
  const r = spawnSync("promtool", ["--version"], { encoding: "utf8" });
  if (r.error || r.status !== 0)
    return "promtool is not on PATH (Debian package `prometheus`; run .ci/install-promtool.sh as root)";
  return undefined;
}

export function promtool(args: string[], cwd: string): { status: number | null; out: string } {
  const r = spawnSync("promtool", args, { cwd, encoding: "utf8" });
  return { status: r.status, out: `${r.stdout}${r.stderr}` };
}
