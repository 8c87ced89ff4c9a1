import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parseSettings, RawConfig } from "../../config/parse-settings";
import { MeshSettings } from "../../config/schema";
import { toYaml } from "../../render/yaml";
import { SAMPLE } from "./stacks";

/**
 * Small apps owned by the tests: generic behaviour is tested on these, so changing the default apps in
 * Pulumi.yaml breaks only the tests whose point is the repo's real stacks. `web` serves behind a waypoint and
 * lets `client` call it; `client` is a traffic client.
 */
export const WEB = {
  name: "web",
  image: "nginx:1.27",
  args: ["-p", "8080"],
  port: 8080,
  waypoint: true,
  allowFrom: ["client"],
};
export const CLIENT = { name: "client", image: "curlimages/curl:8.11.1", calls: ["web"], callIntervalSeconds: 5 };
export const FIXTURE_APPS: readonly Record<string, unknown>[] = [WEB, CLIENT];

/** The stack-specific keys a fixture stack sets; everything else takes the schema's defaults. */
export const FIXTURE_STACK = { kubeContext: "k3d-test", clusterName: "test", network: "network1" } as const;

/**
 * A fixture stack's raw config (as Pulumi hands it to a program): the fixture keys, these apps, and `changes`
 * (objects JSON-encoded as Pulumi passes them; `undefined` removes a key).
 */
export function fixtureRaw(apps: readonly unknown[] = FIXTURE_APPS, changes: Record<string, unknown> = {}): RawConfig {
  const raw: Record<string, string> = {};
  for (const [k, v] of Object.entries({ ...FIXTURE_STACK, apps, ...changes })) {
    if (v !== undefined) raw[`mesh-lab:${k}`] = typeof v === "string" ? v : JSON.stringify(v);
  }
  return raw;
}

/** Validated settings of a fixture stack with these apps: the way tests build MeshSettings for generic behaviour. */
export function fixtureSettings(
  apps: readonly unknown[] = FIXTURE_APPS,
  changes: Record<string, unknown> = {},
  stack = "test",
): MeshSettings {
  return parseSettings(stack, fixtureRaw(apps, changes));
}

/**
 * A temporary project for the render CLI: the repo's Pulumi.yaml and one stack file per entry of `stacks`,
 * holding the fixture keys, the fixture apps and that stack's changes (`undefined` removes a key).
 */
export function fixtureProject(stacks: Record<string, Record<string, unknown>>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "mesh-lab-fixture-"));
  fs.copyFileSync(path.join(SAMPLE, "Pulumi.yaml"), path.join(dir, "Pulumi.yaml"));
  for (const [stack, changes] of Object.entries(stacks)) {
    const config: Record<string, unknown> = {};
    for (const [k, v] of Object.entries({ ...FIXTURE_STACK, clusterName: stack, apps: FIXTURE_APPS, ...changes })) {
      if (v !== undefined) config[`mesh-lab:${k}`] = v;
    }
    fs.writeFileSync(path.join(dir, `Pulumi.${stack}.yaml`), toYaml({ config }));
  }
  return dir;
}
