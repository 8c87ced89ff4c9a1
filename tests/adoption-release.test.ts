import * as assert from "assert";
import { findKubectl } from "../render/kubectl";
import * as fs from "fs";
import * as path from "path";
import { applyPatch } from "rfc6902";
import { CLIENT_SIDE_MANAGER, LAST_APPLIED, releaseOps } from "../components/adoption";
import { CLIENT, WEB } from "./support/fixtures";
import { fixtureProject } from "./support/render-project";
import { runProcess } from "./support/spawn";

// An adopted Deployment as the API server returns it after a forced server-side apply over `kubectl apply`.
const adopted = () => ({
  metadata: {
    name: "accounts",
    annotations: { [LAST_APPLIED]: '{"kind":"Deployment"}', "argocd.argoproj.io/sync-options": "Prune=false" },
    managedFields: [
      { manager: CLIENT_SIDE_MANAGER, operation: "Update" },
      { manager: "pulumi-kubernetes-fe325c94", operation: "Apply" },
      { manager: CLIENT_SIDE_MANAGER, operation: "Update", subresource: "status" },
    ],
  },
});

describe("ending a forced adoption (npm run adopt:release)", () => {
  it("removes every kubectl-client-side-apply entry and the last-applied annotation, and nothing else", () => {
    const live = adopted();
    const results = applyPatch(live, releaseOps(live));
    assert.deepStrictEqual(
      results.filter((r) => r !== null),
      [],
    );
    assert.deepStrictEqual(live.metadata.managedFields, [
      { manager: "pulumi-kubernetes-fe325c94", operation: "Apply" },
    ]);
    assert.deepStrictEqual(live.metadata.annotations, { "argocd.argoproj.io/sync-options": "Prune=false" });
  });

  it("guards each removal with a test of the same entry, from the last index down", () => {
    assert.deepStrictEqual(releaseOps(adopted()), [
      { op: "test", path: "/metadata/managedFields/2/manager", value: CLIENT_SIDE_MANAGER },
      { op: "remove", path: "/metadata/managedFields/2" },
      { op: "test", path: "/metadata/managedFields/0/manager", value: CLIENT_SIDE_MANAGER },
      { op: "remove", path: "/metadata/managedFields/0" },
      {
        op: "test",
        path: "/metadata/annotations/kubectl.kubernetes.io~1last-applied-configuration",
        value: '{"kind":"Deployment"}',
      },
      { op: "remove", path: "/metadata/annotations/kubectl.kubernetes.io~1last-applied-configuration" },
    ]);
  });

  it("fails instead of removing the wrong entry when the object changed in between", () => {
    const ops = releaseOps(adopted());
    const changed = adopted();
    changed.metadata.managedFields.splice(0, 1);
    assert.ok(applyPatch(changed, ops).some((r) => r !== null));
  });

  // An app removed with its objects kept, then added back and adopted: its new resources apply under new managers.
  const readopted = () => ({
    metadata: {
      managedFields: [
        { manager: "pulumi-kubernetes-0ld0ld00", operation: "Apply", time: "2026-03-01T10:00:00Z" },
        {
          manager: "pulumi-kubernetes-0ld0ld00",
          operation: "Update",
          subresource: "status",
          time: "2026-03-01T10:00:00Z",
        },
        { manager: "pulumi-kubernetes-9e9e9e9e", operation: "Apply", time: "2026-12-06T07:40:00Z" },
        { manager: "kube-controller-manager", operation: "Update", time: "2026-12-06T07:40:01Z" },
      ],
    },
  });

  it("removes, when asked, an earlier pulumi-kubernetes resource's apply entry and keeps the newest", () => {
    const live = readopted();
    // Not asked: only kubectl's ownership goes, and this object has none.
    assert.deepStrictEqual(releaseOps(live), []);
    const ops = releaseOps(live, { earlierPulumiManagers: true });
    assert.deepStrictEqual(ops, [
      { op: "test", path: "/metadata/managedFields/0/manager", value: "pulumi-kubernetes-0ld0ld00" },
      { op: "remove", path: "/metadata/managedFields/0" },
    ]);
    assert.deepStrictEqual(
      applyPatch(live, ops).filter((r) => r !== null),
      [],
    );
    assert.deepStrictEqual(
      live.metadata.managedFields.map((f) => `${f.manager} ${f.operation}`),
      ["pulumi-kubernetes-0ld0ld00 Update", "pulumi-kubernetes-9e9e9e9e Apply", "kube-controller-manager Update"],
    );
  });

  it("removes no pulumi-kubernetes entry when the times do not tell which is newest", () => {
    const tied = readopted();
    tied.metadata.managedFields[2].time = tied.metadata.managedFields[0].time;
    assert.deepStrictEqual(releaseOps(tied, { earlierPulumiManagers: true }), []);
    const untimed = readopted();
    delete (untimed.metadata.managedFields[0] as { time?: string }).time;
    assert.deepStrictEqual(releaseOps(untimed, { earlierPulumiManagers: true }), []);
  });

  it("removes kubectl's and the earlier pulumi-kubernetes entries of one object together, each at its own index", () => {
    const live = readopted();
    live.metadata.managedFields.splice(1, 0, {
      manager: CLIENT_SIDE_MANAGER,
      operation: "Update",
      time: "2026-01-01T00:00:00Z",
    });
    const results = applyPatch(live, releaseOps(live, { earlierPulumiManagers: true }));
    assert.deepStrictEqual(
      results.filter((r) => r !== null),
      [],
    );
    assert.deepStrictEqual(
      live.metadata.managedFields.map((f) => `${f.manager} ${f.operation}`),
      ["pulumi-kubernetes-0ld0ld00 Update", "pulumi-kubernetes-9e9e9e9e Apply", "kube-controller-manager Update"],
    );
  });

  it("has nothing to do on an object mesh-lab created itself", () => {
    assert.deepStrictEqual(
      releaseOps({ metadata: { managedFields: [{ manager: "pulumi-kubernetes-1" }], annotations: {} } }),
      [],
    );
  });
});

describe("npm run adopt:release on a project whose apps run on some stacks only", () => {
  const script = path.join(__dirname, "..", "scripts", "adopt-release.ts");
  // As package.json's adopt:release runs it; KUBECTL names no program, so each read fails and nothing is patched.
  const release = (dir: string, stack: string) =>
    runProcess(process.execPath, ["--require", "tsx/cjs", script, "--stack", stack, "--dir", dir], {
      cwd: path.join(__dirname, ".."),
      env: { ...process.env, KUBECTL: path.join(dir, "no-kubectl") },
    });
  // web and its client run on west only; api, on every stack, is what east plans.
  const apps = [
    { ...WEB, stacks: ["west"] },
    { ...CLIENT, stacks: ["west"] },
    { name: "api", image: WEB.image, args: WEB.args, port: WEB.port },
  ];

  it("plans one stack with an app placed on another: it reads the stack's objects with kubectl", async () => {
    const dir = fixtureProject({ east: {}, west: {} }, { apps });
    try {
      const r = await release(dir, "east");
      // Exit 1: kubectl could not be run, after the config was read; the config problem was exit 2.
      assert.strictEqual(r.status, 1, r.stderr);
      assert.doesNotMatch(r.stderr, /expected a stack of this project/);
      // Every read failed the same way (no kubectl to run): said once, with how many objects it stopped.
      assert.match(r.stderr, /^apps\/v1 Deployment api\/api and \d+ more: cannot read them: /m);
      assert.strictEqual(r.stderr.split("cannot read").length - 1, 1, r.stderr);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it("reads --dir relative to where the command was typed (INIT_CWD), and refuses one that is no directory", async () => {
    const dir = fixtureProject({ east: {}, west: {} }, { apps });
    const run = (arg: string) =>
      runProcess(process.execPath, ["--require", "tsx/cjs", script, "--stack", "east", "--dir", arg], {
        cwd: path.join(__dirname, ".."),
        env: { ...process.env, INIT_CWD: path.dirname(dir), KUBECTL: path.join(dir, "no-kubectl") },
      });
    try {
      const relative = await run(path.basename(dir));
      assert.strictEqual(relative.status, 1, relative.stderr);
      assert.match(relative.stderr, /^apps\/v1 Deployment api\/api and \d+ more: cannot read them: /m);
      const missing = await run("no-such-project");
      assert.strictEqual(missing.status, 2, missing.stderr);
      assert.match(missing.stderr, /^--dir "no-such-project" is not a directory \(/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it("says a kube context that does not exist once per kubectl message, not once per object (real kubectl)", async function () {
    const kubectl = findKubectl(process.env);
    if (kubectl === undefined) {
      console.log("      SKIPPED (a context that does not exist): kubectl is not on PATH (nor $KUBECTL)");
      return this.skip();
    }
    const dir = fixtureProject({ east: {}, west: {} }, { apps });
    try {
      // An empty kubeconfig: no context of it exists, and no cluster is contacted.
      const kubeconfig = path.join(dir, "empty-kubeconfig");
      fs.writeFileSync(kubeconfig, "");
      const r = await runProcess(
        process.execPath,
        ["--require", "tsx/cjs", script, "--stack", "east", "--dir", dir, "--kubeconfig", kubeconfig],
        { cwd: path.join(__dirname, ".."), env: { ...process.env, KUBECTL: kubectl } },
      );
      assert.strictEqual(r.status, 1, r.stderr);
      // kubectl 1.32 words it one way for namespaced objects and another for cluster-scoped ones: a line for each
      // wording, each naming the context, the first naming how many objects it stopped.
      const lines = r.stderr.trim().split("\n");
      assert.ok(lines.length <= 2, r.stderr);
      for (const line of lines) assert.match(line, /: cannot read (it|them): .*ctx-east/, r.stderr);
      assert.match(lines[0], /^apps\/v1 Deployment api\/api and \d+ more: cannot read them: /);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it("still refuses a stacks entry that names no stack of the project, listing them all", async () => {
    const dir = fixtureProject({ east: {}, west: {} }, { apps: [{ ...WEB, stacks: ["wset"] }, CLIENT] });
    try {
      const r = await release(dir, "east");
      assert.strictEqual(r.status, 2, r.stderr);
      assert.match(
        r.stderr,
        /key "mesh-lab:apps\[0\]\.stacks\[0\]" is "wset"; expected a stack of this project \(east, west\)/,
      );
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
