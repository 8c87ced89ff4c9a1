import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { buildPlan } from "../plan/mesh-plan";
import { CLIENT, fixtureSettings, WEB } from "./support/fixtures";
import { fixtureProject, renderChildCommand } from "./support/render-project";
import { runProcess } from "./support/spawn";

// An app's `calls` that the callee's allowFrom refuses: the mesh map draws it red, and the render, check:telemetry
// and pulumi up (buildPlan's warnings) say which keys disagree. A typo in allowFrom is the usual cause.
const warningsOf = (web: Record<string, unknown>, client: Record<string, unknown> = CLIENT) =>
  buildPlan(fixtureSettings([web, client])).warnings.filter((w) => w.includes(".calls"));

describe("warnings: calls the callee's allowFrom refuses", () => {
  it("names the caller's calls key, the callee's allowFrom key, what it lists, the likely typo and the fix", () => {
    assert.deepStrictEqual(warningsOf({ ...WEB, allowFrom: ["clinet"] }), [
      'stack "test": key "mesh-lab:apps[1].calls" names "web", whose key "mesh-lab:apps[0].allowFrom" admits no pod of namespace "client" (it lists clinet; is "clinet" a typo of "client"?): the mesh refuses those calls; add "client" to mesh-lab:apps[0].allowFrom, or expect them denied',
    ]);
  });

  it("says an empty allowFrom is empty, and hints no typo for a name far from the caller's", () => {
    const { allowFrom: _, ...closed } = WEB;
    assert.match(warningsOf(closed)[0], /admits no pod of namespace "client" \(it is empty\): the mesh refuses/);
    assert.match(warningsOf({ ...WEB, allowFrom: ["billing"] })[0], /\(it lists billing\): the mesh refuses/);
  });

  it("reads service accounts as the policies do: the caller's own account is admitted, another is not", () => {
    assert.deepStrictEqual(warningsOf({ ...WEB, allowFrom: ["client/client"] }), []);
    assert.match(
      warningsOf({ ...WEB, allowFrom: ["client/batch"] })[0],
      /admits no pod of namespace "client" \(it lists client\/batch\): /,
    );
    // A chart's pods run as its accounts (workload: false).
    const chart = { name: "client", workload: false, serviceAccounts: ["cron"], calls: ["web"] };
    assert.deepStrictEqual(warningsOf({ ...WEB, allowFrom: ["client/cron"] }, chart), []);
    assert.strictEqual(warningsOf({ ...WEB, allowFrom: ["client/client"] }, chart).length, 1);
  });

  it("warns nothing when every call is allowed, or nothing calls", () => {
    assert.deepStrictEqual(warningsOf(WEB), []);
    const { calls: _, ...idle } = CLIENT;
    assert.deepStrictEqual(warningsOf({ ...WEB, allowFrom: ["clinet"] }, idle), []);
  });

  it("is printed by npm run render (as a process), which still writes the tree and exits 0", async () => {
    const dir = fixtureProject({ east: { apps: [{ ...WEB, allowFrom: ["clinet"] }, CLIENT] } });
    try {
      const [node, ...args] = renderChildCommand(dir);
      const r = await runProcess(node, args, { cwd: dir });
      assert.strictEqual(r.status, 0, r.stderr);
      assert.match(
        r.stderr,
        /^warning: stack "east": key "mesh-lab:apps\[1\]\.calls" names "web", whose key "mesh-lab:apps\[0\]\.allowFrom" admits no pod of namespace "client" .*is "clinet" a typo of "client"\?/m,
      );
      assert.ok(fs.existsSync(path.join(dir, "gitops", "clusters", "east", "kustomization.yaml")));
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
