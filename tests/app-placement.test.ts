import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { CLIENT, fixtureSettings, WEB } from "./support/fixtures";
import { fixtureProject, renderCli, snapshot } from "./support/render-project";
import { ConfigError } from "../config/problems";

// Apps declared once for the project; each stack says which run there (an app's stacks) and what differs
// (the stack's appOverrides), without copying the list.
describe("apps declared once, placed and varied per stack", function () {
  this.timeout(60000);
  const APPS = [
    { ...WEB, allowFrom: ["client"] },
    CLIENT,
    { name: "edge", image: "example/edge:1", port: 8080, stacks: ["east"] },
  ];
  let dir: string;
  let tree: Map<string, string>;
  before(async () => {
    dir = fixtureProject(
      {
        east: {},
        west: { appOverrides: { web: { replicas: 3, waypoint: false }, client: { image: "example/curl:9" } } },
      },
      { apps: APPS },
    );
    const r = await renderCli(dir);
    assert.strictEqual(r.code, 0, r.stderr);
    tree = snapshot(path.join(dir, "gitops"));
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("runs an app only on its stacks", () => {
    assert.match(tree.get("tenants/east/edge/kustomization.yaml")!, /- \.\.\/\.\.\/\.\.\/apps\/edge/);
    assert.ok(![...tree.keys()].some((p) => p.startsWith("tenants/west/edge/")));
  });

  it("applies a stack's overrides to that stack only", () => {
    const plan = (stack: string, changes: Record<string, unknown> = {}) =>
      fixtureSettings(APPS, changes, stack).apps.find((a) => a.name === "web")!;
    assert.strictEqual(plan("east").replicas, 1);
    assert.strictEqual(plan("west", { appOverrides: { web: { replicas: 3 } } }).replicas, 3);
    // In the tree: west's web has no waypoint, east's has one.
    assert.ok(tree.has("tenants/east/web/gateway-web.waypoint.yaml"));
    assert.ok(!tree.has("tenants/west/web/gateway-web.waypoint.yaml"));
    const patches = [...tree.keys()].filter((p) => /^tenants\/west\/[^/]+\/patches\//.test(p));
    assert.ok(patches.length > 0, "west patches the shared web and client objects");
    const all = patches.map((p) => tree.get(p)!).join("\n");
    assert.match(all, /value: 3/);
    assert.match(all, /example\/curl:9/);
  });

  it("keeps the project's key in messages about an app, wherever it runs", () => {
    assert.throws(
      () => fixtureSettings([...APPS, { ...CLIENT, name: "probe", calls: ["edge"] }], {}, "west"),
      /key "mesh-lab:apps\[3\]\.calls\[0\]" is "edge"; expected an app that runs on stack west \(edge runs on east: its stacks\)/,
    );
  });

  it("refuses an override of an app not on the stack, of a key that names the app, or of the wrong type", () => {
    assert.throws(
      () => fixtureSettings(APPS, { appOverrides: { edge: { replicas: 2 } } }, "west"),
      /key "mesh-lab:appOverrides\.edge" is \{"replicas":2\}; expected an app that runs on stack west \(web, client\)/,
    );
    // A typo of an app's name: the app it likely means, not the whole list.
    assert.throws(
      () => fixtureSettings(APPS, { appOverrides: { wbe: { replicas: 2 } } }, "west"),
      /key "mesh-lab:appOverrides\.wbe" is \{"replicas":2\}; expected an app that runs on stack west; did you mean "web"\?/,
    );
    assert.throws(
      () => fixtureSettings(APPS, { appOverrides: { web: { name: "www" } } }, "west"),
      /key "mesh-lab:appOverrides\.web\.name" is not a mesh-lab setting; known keys: replicas, waypoint, global, image, args/,
    );
    // A typo is a config problem with a suggestion, as in apps[], not a crash on the key it cannot read.
    assert.throws(
      () => fixtureSettings(APPS, { appOverrides: { web: { replica: 3 } } }, "west"),
      (e: Error) =>
        e instanceof ConfigError &&
        /key "mesh-lab:appOverrides\.web\.replica" is not a mesh-lab setting; did you mean "mesh-lab:appOverrides\.web\.replicas"\?/.test(
          e.message,
        ),
    );
    assert.throws(
      () => fixtureSettings(APPS, { appOverrides: { web: { replicas: "3" } } }, "west"),
      /key "mesh-lab:appOverrides\.web\.replicas" is "3"; expected an integer 0-100/,
    );
    assert.throws(
      () => fixtureSettings(APPS, { appOverrides: { client: { args: ["-v"] } } }, "west"),
      /key "mesh-lab:appOverrides\.client\.args" is \["-v"\]; expected no args for a demo caller/,
    );
  });

  it("takes what each kind of app may change: a waypoint for a chart's app, args for a server", () => {
    const chart = { name: "orders", port: 8080, workload: false, waypoint: true };
    const settings = fixtureSettings([chart, WEB, CLIENT], {
      appOverrides: { orders: { waypoint: false }, web: { args: ["-p", "8080", "-v"] } },
    });
    const app = (name: string) => settings.apps.find((a) => a.name === name)!;
    assert.strictEqual(app("orders").waypoint, false);
    assert.deepStrictEqual(app("web").args, ["-p", "8080", "-v"]);
  });

  it("refuses, in the render, a stacks entry that names no stack of the project, once though every stack reads it", async () => {
    const bad = fixtureProject({ east: {}, west: {} }, { apps: [CLIENT, { ...APPS[2], stacks: ["east", "esat"] }] });
    try {
      const r = await renderCli(bad);
      assert.strictEqual(r.code, 2, r.stderr);
      const problem =
        /key "mesh-lab:apps\[1\]\.stacks\[1\]" is "esat"; expected a stack of this project \(east, west\)/g;
      assert.strictEqual(r.stderr.match(problem)?.length, 1, r.stderr);
    } finally {
      fs.rmSync(bad, { recursive: true, force: true });
    }
  });
});
