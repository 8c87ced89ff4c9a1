import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { parse, parseDocument } from "yaml";
import { sampleCopy } from "./support/render-project";
import { runProcess } from "./support/spawn";
import { ROOT } from "./support/stacks";

// docs/install.md's stack-file example, used as it says (cluster-2 the same, with its own apiServer and peers),
// in a copy of the project with the sample's stacks, through npm run render.
describe("docs/install.md: the install layer's example stack file", function () {
  this.timeout(120000);
  let dir: string;
  before(() => {
    dir = sampleCopy();
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("renders the install layer of both clusters, and notes it is for Argo CD only once one moves to Flux", async () => {
    const doc = fs.readFileSync(path.join(ROOT, "docs", "install.md"), "utf8");
    const block = /```yaml\n(# Pulumi\.cluster-1\.yaml[^\n]*\n[\s\S]*?)```/.exec(doc);
    assert.ok(block, "docs/install.md has no example of Pulumi.cluster-1.yaml");
    const install = (parse(block[1]) as { config: Record<string, Record<string, unknown>> }).config["mesh-lab:install"];
    const settings = {
      "cluster-1": install,
      "cluster-2": { ...install, apiServer: "https://k3d-cluster-2-serverlb:6443", peers: ["cluster-1"] },
    };
    for (const [stack, value] of Object.entries(settings)) {
      const file = path.join(dir, `Pulumi.${stack}.yaml`);
      const stackDoc = parseDocument(fs.readFileSync(file, "utf8"));
      stackDoc.setIn(["config", "mesh-lab:install"], stackDoc.createNode(value));
      fs.writeFileSync(file, stackDoc.toString());
    }
    const r = await runProcess("npm", ["run", "-s", "render"], { cwd: dir, env: { ...process.env, INIT_CWD: dir } });
    assert.strictEqual(r.status, 0, r.stderr);
    for (const stack of ["cluster-1", "cluster-2"])
      assert.ok(fs.existsSync(path.join(dir, "gitops", "install", stack, "kustomization.yaml")), stack);
    assert.doesNotMatch(r.stderr, /install layer/);
    // gitops/README.md says where each stack's install layer is and who applies it.
    const readme = fs.readFileSync(path.join(dir, "gitops", "README.md"), "utf8");
    for (const stack of ["cluster-1", "cluster-2"])
      assert.match(
        readme,
        new RegExp(`^\\| \`install/${stack}/\` \\| \\d+ objects \\| applied by hand where Argo CD runs`, "m"),
      );

    // cluster-2 moved to Flux: the render notes that its install layer is for Argo CD only.
    const file = path.join(dir, "Pulumi.cluster-2.yaml");
    const stackDoc = parseDocument(fs.readFileSync(file, "utf8"));
    stackDoc.setIn(["config", "mesh-lab:gitopsEngines"], stackDoc.createNode(["flux"]));
    fs.writeFileSync(file, stackDoc.toString());
    const flux = await runProcess("npm", ["run", "-s", "render"], { cwd: dir, env: { ...process.env, INIT_CWD: dir } });
    assert.strictEqual(flux.status, 0, flux.stderr);
    assert.match(
      flux.stderr,
      /^note: stack cluster-2: the install layer \(mesh-lab:install\.enabled\) is rendered for Argo CD only, as Applications in gitops\/install\/cluster-2\/, and this stack uses no Argo CD/m,
    );
    assert.doesNotMatch(flux.stderr, /stack cluster-1: the install layer/);
  });
});
