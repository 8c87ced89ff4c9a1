import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { fleetApps, writeFleet } from "../bench/fleet";
import { parseSettings } from "../config/parse-settings";
import { listStacks, loadStackConfig } from "../config/project-files";
import { naturalSort } from "../config/natural-order";
import { fmtTarget, Row, verdict } from "../bench/report";
import { computeTargets } from "../bench/targets";
import { ROOT } from "./support/stacks";

describe("bench parts (the instrument, not its numbers)", () => {
  it("generates fleet stacks that are valid config, each its own cluster, with the apps asked for", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "mesh-lab-fleet-"));
    try {
      const names = writeFleet(dir, ROOT, 12, 20);
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

  it("generates the smallest fleet the bench uses (2 apps: one server, its client)", () => {
    assert.deepStrictEqual(fleetApps(2, 1).map((a) => [a.name, a.allowFrom ?? a.calls]), [["server-0", ["client-0"]], ["client-0", ["server-0"]]]);
  });

  it("computes each target from the measured rows and judges it against its limit", () => {
    const row = (id: string, medianMs: number, rssMb?: number): Row => ({ id, label: id, runs: 3, medianMs, rssMb });
    const rows = [row("floor", 1000), row("floor-cache", 600), row("start", 1200), row("render-repo", 4000), row("cdk8s-repo", 1000), row("render-200x2", 2000, 250), row("render-cold-200x2", 7000, 180), row("cdk8s-200x2", 1000), row("render-50x2", 400), row("render-200x20", 9000), row("render-50x20", 2000), { id: "test", label: "t", runs: 0, medianMs: NaN, skipped: "--quick" }, row("test-fresh", 5), row("typecheck", 2)];
    const targets = computeTargets(rows, [2, 50, 200]);
    assert.deepStrictEqual(
      targets.map((t) => [t.value, t.limit, verdict(t), t.beyondIssue !== undefined]),
      [
        [1.2, 1.3, "PASS", false],
        [2, 1.3, "FAIL", true],
        [4, 3, "FAIL", false],
        [2, 3, "PASS", false],
        [7, 3, "FAIL", true],
        [5, 4.4, "FAIL", false],
        [250, 200, "FAIL", false],
        [4.5, 4.4, "FAIL", false],
        [undefined, 3, "n/a", false],
        [2.5, 3, "PASS", true],
      ],
    );
  });

  it("shows a third decimal only where two would round a target onto its limit", () => {
    const t = (value: number) => ({ name: "t", value, limit: 1.3, unit: "x" as const, how: "" });
    assert.deepStrictEqual([1.304, 1.296, 1.3, 1.24, 2].map((v) => [fmtTarget(t(v)), verdict(t(v))]), [
      ["1.304", "FAIL"],
      ["1.296", "PASS"],
      ["1.30", "PASS"],
      ["1.24", "PASS"],
      ["2.00", "FAIL"],
    ]);
  });
});
