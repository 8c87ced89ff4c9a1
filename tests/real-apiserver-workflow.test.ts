import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";
import { INSTALL_DEFAULTS } from "../config/install-settings";
import { gatewayApiCrdsUrl } from "../plan/install/charts";
import { ROOT } from "./support/stacks";

// The workflow shipped for users' CI runs the opt-in real-API-server tests on kind. It cannot run here (no
// container engine); these tests keep it in step with the project.
describe("the real-API-server workflow (.github/workflows/real-apiserver.yml)", () => {
  const workflow = parse(fs.readFileSync(path.join(ROOT, ".github", "workflows", "real-apiserver.yml"), "utf8")) as {
    jobs: Record<
      string,
      { env: Record<string, string>; steps: { uses?: string; run?: string; with?: Record<string, string> }[] }
    >;
  };
  const job = workflow.jobs["real-apiserver"];
  const run = job.steps.map((s) => s.run ?? "").join("\n");
  const expand = (s: string) => s.replace(/\$\{(\w+)\}/g, (_, k: string) => job.env[k]);

  it("installs the Gateway API CRDs of the version the install layer pins, from the URL it uses", () => {
    assert.strictEqual(job.env.GATEWAY_API_VERSION, INSTALL_DEFAULTS.gatewayApiVersion);
    assert.ok(expand(run).includes(gatewayApiCrdsUrl(INSTALL_DEFAULTS.gatewayApiVersion)), run);
  });

  it("installs Istio's CRDs from its base chart, on a kind cluster it names, before the tests", () => {
    assert.match(
      expand(run),
      new RegExp(
        `istio/${job.env.ISTIO_VERSION.replace(/\./g, "\\.")}/manifests/charts/base/files/crd-all\\.gen\\.yaml`,
      ),
    );
    const kind = job.steps.find((s) => s.uses?.startsWith("helm/kind-action@"));
    assert.strictEqual(kind?.with?.cluster_name, "mesh-lab");
    assert.ok(run.indexOf("crd-all.gen.yaml") < run.indexOf("npx mocha"));
  });

  it("runs every opt-in test file with MESH_LAB_TEST_KUBECONFIG set to that cluster", () => {
    assert.match(run, /kind get kubeconfig --name mesh-lab > "\$RUNNER_TEMP\/kubeconfig"/);
    assert.match(
      run,
      /MESH_LAB_TEST_KUBECONFIG="\$RUNNER_TEMP\/kubeconfig" npx mocha 'tests\/\*\.real-apiserver\.test\.ts'/,
    );
    const files = fs.readdirSync(path.join(ROOT, "tests")).filter((f) => f.endsWith(".real-apiserver.test.ts"));
    assert.ok(files.length >= 2, files.join(", "));
  });
});
