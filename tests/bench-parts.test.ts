import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { spawnSync } from "child_process";
import { fleetApps, writeFleet } from "../bench/fleet";
import { buildPlan } from "../plan/mesh-plan";
import { parseSettings } from "../config/parse-settings";
import { listStacks, loadStackConfig } from "../config/project-files";
import { naturalSort } from "../config/natural-order";
import { writeOverlayObjects } from "../bench/objects-json";
import { ROOT, SAMPLE, STACKS, stackSettings } from "./support/stacks";

describe("bench parts (the instrument, not its numbers)", () => {
  it("generates fleet stacks that are valid config, each its own cluster, with the apps asked for", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "mesh-lab-fleet-"));
    try {
      const names = writeFleet(dir, SAMPLE, 12, 20);
      assert.deepStrictEqual(naturalSort(listStacks(dir)), names);
      const settings = names.map((s) => parseSettings(s, loadStackConfig(dir, s).raw));
      assert.strictEqual(new Set(settings.map((s) => s.clusterName)).size, 12);
      assert.strictEqual(new Set(settings.map((s) => s.network)).size, 12);
      assert.strictEqual(new Set(settings.map((s) => s.kubeContext)).size, 12);
      for (const s of settings) assert.strictEqual(s.apps.length, 20);
      // variety: waypoints on and off, more than one allowed caller, clients calling two servers, a differing stack
      const apps = settings[0].apps;
      assert.ok(apps.some((a) => a.waypoint) && apps.some((a) => a.port !== undefined && !a.waypoint));
      assert.ok(apps.some((a) => a.allowFrom.length > 1) && apps.some((a) => a.calls.length > 1));
      assert.notDeepStrictEqual(settings[9].apps, settings[0].apps);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it("generates, when asked, a fleet whose every app is scaled differently on each cluster", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "mesh-lab-fleet-"));
    try {
      const names = writeFleet(dir, SAMPLE, 2, 6, { scaledPerCluster: true });
      const [one, two] = names.map((s) => parseSettings(s, loadStackConfig(dir, s).raw).apps);
      assert.deepStrictEqual(
        one.map((a, i) => [a.name, a.replicas, two[i].name, two[i].replicas]),
        one.map((a) => [a.name, 1, a.name, 2]),
      );
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it("generates the smallest fleet the bench uses (2 apps: one server, its client)", () => {
    assert.deepStrictEqual(
      fleetApps(2, 1).map((a) => [a.name, a.allowFrom ?? a.calls]),
      [
        ["server-0", ["client-0"]],
        ["client-0", ["server-0"]],
      ],
    );
  });

  it("times the program only after every planned object is registered (bench/program.ts, one run)", function () {
    this.timeout(60_000);
    const r = spawnSync(
      process.execPath,
      ["--require", "tsx/cjs", path.join(ROOT, "bench", "program.ts"), "--one", "4"],
      {
        cwd: ROOT,
        encoding: "utf8",
      },
    );
    assert.strictEqual(r.status, 0, r.stderr);
    const [plan, program, answered] = r.stdout.trim().split(" ").map(Number);
    assert.ok(plan > 0 && program > 0, r.stdout);
    const planned = buildPlan(
      parseSettings("bench", {
        "mesh-lab:kubeContext": "k3d-bench",
        "mesh-lab:clusterName": "bench",
        "mesh-lab:network": "network1",
        "mesh-lab:apps": JSON.stringify(fleetApps(4, 1)),
      }),
    ).objects.length;
    // Every planned object, plus the provider, the two cluster reads and the components.
    assert.ok(answered > planned + 3, `${answered} answered, ${planned} planned`);
  });

  it("gives cdk8s every object each stack's units build to (bench/objects-json.ts)", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "mesh-lab-objects-"));
    try {
      const file = path.join(dir, "objects.json");
      const count = writeOverlayObjects(path.join(SAMPLE, "gitops"), STACKS, file);
      const written = JSON.parse(fs.readFileSync(file, "utf8")) as Record<string, unknown[]>;
      for (const stack of STACKS)
        assert.strictEqual(written[stack].length, buildPlan(stackSettings(stack)).objects.length);
      assert.strictEqual(
        count,
        STACKS.reduce((n, s) => n + written[s].length, 0),
      );
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
