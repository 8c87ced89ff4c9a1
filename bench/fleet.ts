import * as fs from "fs";
import * as path from "path";
import { stringify } from "yaml";

/** The apps of a generated stack: servers and the clients that call them, with allowFrom/calls/waypoint variety. */
export function fleetApps(count: number, stackIndex: number): Record<string, unknown>[] {
  const apps: Record<string, unknown>[] = [];
  for (let i = 0; i < count; i++) {
    const pair = Math.floor(i / 2);
    if (i % 2 === 0) {
      // Servers: every other one behind a waypoint; each allows its client, every third one its neighbour's too.
      const allowFrom = [`client-${pair}`, ...(pair % 3 === 2 ? [`client-${pair - 1}`] : [])];
      apps.push({
        name: `server-${pair}`,
        image: "hashicorp/http-echo:1.0",
        args: [`-text=server-${pair}`, "-listen=:8080"],
        port: 8080,
        waypoint: pair % 2 === 0,
        global: pair === 0,
        // Every tenth stack differs (replicas), so the render has to write patches as in a real fleet.
        ...(stackIndex % 10 === 0 && pair === 0 ? { replicas: 2 } : {}),
        allowFrom,
      });
    } else {
      apps.push({
        name: `client-${pair}`,
        image: "curlimages/curl:8.11.1",
        calls: [`server-${pair}`, ...(pair % 3 === 2 ? [`server-${pair - 1}`] : [])],
        callIntervalSeconds: 5,
      });
    }
  }
  // With an odd count the last server has no client of its own.
  const names = new Set(apps.map((a) => a.name));
  for (const a of apps) if (Array.isArray(a.allowFrom)) a.allowFrom = a.allowFrom.filter((ns: string) => names.has(ns));
  return apps;
}

export const fleetStackName = (i: number) => `cluster-${i}`;

/**
 * A project directory with the repository's Pulumi.yaml and `stacks` generated stack files, each with its own
 * cluster name, network and kube context and `apps` apps. With `scaledPerCluster`, stack i runs every app with i
 * replicas, so every app's workload differs from one cluster to the next (a patch in every unit but the first
 * stack's). Returns the stack names.
 */
export function writeFleet(
  dir: string,
  root: string,
  stacks: number,
  apps: number,
  opts: { readonly scaledPerCluster?: boolean } = {},
): string[] {
  fs.mkdirSync(dir, { recursive: true });
  fs.copyFileSync(path.join(root, "Pulumi.yaml"), path.join(dir, "Pulumi.yaml"));
  const names: string[] = [];
  for (let i = 1; i <= stacks; i++) {
    const name = fleetStackName(i);
    const config = {
      "mesh-lab:kubeContext": `k3d-${name}`,
      "mesh-lab:clusterName": name,
      "mesh-lab:network": `network${i}`,
      "mesh-lab:apps": fleetApps(apps, i).map((a) => (opts.scaledPerCluster ? { ...a, replicas: i } : a)),
    };
    fs.writeFileSync(path.join(dir, `Pulumi.${name}.yaml`), stringify({ config }));
    names.push(name);
  }
  return names;
}
