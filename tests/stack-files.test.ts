import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parse } from "yaml";
import { SETTING_KEYS } from "../config/parse-settings";
import { listStacks, loadStackConfig, readProject } from "../config/project-files";
import { SAMPLE, STACKS } from "./support/stacks";

describe("Pulumi.yaml and the stack files", () => {
  const project = readProject(SAMPLE);

  it("names the project mesh-lab and disables the default Kubernetes provider", () => {
    assert.strictEqual(project.name, "mesh-lab");
    const disabled = project.config["pulumi:disable-default-providers"] as { value: string[] };
    assert.deepStrictEqual(disabled.value, ["kubernetes"]);
  });

  it("declares every key the program reads, with a type and a description, but the secret kubeconfig", () => {
    // A declared key without a default is required by the CLI, and a secret key cannot have a plain default.
    const declared = Object.keys(project.config)
      .filter((k) => k.startsWith("mesh-lab:"))
      .map((k) => k.slice("mesh-lab:".length));
    assert.deepStrictEqual([...declared].sort(), SETTING_KEYS.filter((k) => k !== "kubeconfig").sort());
    for (const key of SETTING_KEYS.filter((k) => k !== "kubeconfig")) {
      const d = project.config[`mesh-lab:${key}`] as Record<string, unknown>;
      assert.ok(typeof d.type === "string", `mesh-lab:${key} has no type`);
      assert.ok(typeof d.description === "string" && d.description.length > 20, `mesh-lab:${key} has no description`);
    }
  });

  it("gives a default to every declared key but the per-cluster ones, which every stack must set", () => {
    const withoutDefault = SETTING_KEYS.filter(
      (k) => k !== "kubeconfig" && (project.config[`mesh-lab:${k}`] as Record<string, unknown>).default === undefined,
    );
    assert.deepStrictEqual(withoutDefault.sort(), ["clusterName", "kubeContext", "network"]);
  });

  it("has one stack file per cluster, each naming its kube context, cluster and network", () => {
    assert.deepStrictEqual(STACKS, ["cluster-1", "cluster-2"]);
    for (const stack of STACKS) {
      const file = parse(fs.readFileSync(path.join(SAMPLE, `Pulumi.${stack}.yaml`), "utf8"));
      assert.strictEqual(file.config["mesh-lab:kubeContext"], `k3d-${stack}`);
      assert.strictEqual(file.config["mesh-lab:clusterName"], stack);
      assert.match(file.config["mesh-lab:network"], /^network\d$/);
    }
  });
});

describe("loadStackConfig", () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "mesh-lab-stacks-"));
    fs.copyFileSync(path.join(SAMPLE, "Pulumi.yaml"), path.join(dir, "Pulumi.yaml"));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("finds a third cluster from its stack file alone", () => {
    // given a new stack file and no code change
    fs.writeFileSync(
      path.join(dir, "Pulumi.cluster-3.yaml"),
      "config:\n  mesh-lab:kubeContext: k3d-cluster-3\n  mesh-lab:clusterName: cluster-3\n  mesh-lab:network: network3\n",
    );
    // then it is a stack, with the project defaults under its own values
    assert.deepStrictEqual(listStacks(dir), ["cluster-3"]);
    const raw = loadStackConfig(dir, "cluster-3").raw;
    assert.strictEqual(raw["mesh-lab:kubeContext"], "k3d-cluster-3");
    assert.strictEqual(raw["mesh-lab:waypoints"], "true");
    assert.strictEqual(JSON.parse(raw["mesh-lab:apps"])[0].name, "accounts");
  });

  it("lets a stack value override a project default, key by key", () => {
    fs.writeFileSync(
      path.join(dir, "Pulumi.s.yaml"),
      "config:\n  mesh-lab:waypoints: false\n  mesh-lab:podSecurity: restricted\n",
    );
    const raw = loadStackConfig(dir, "s").raw;
    assert.strictEqual(raw["mesh-lab:waypoints"], "false");
    assert.strictEqual(raw["mesh-lab:podSecurity"], "restricted");
    assert.strictEqual(raw["mesh-lab:trustDomain"], "cluster.local");
  });

  it("leaves out secure values, which only the Pulumi CLI can decrypt, and lists their keys", () => {
    fs.writeFileSync(
      path.join(dir, "Pulumi.s.yaml"),
      "config:\n  mesh-lab:kubeContext: c\n  mesh-lab:kubeconfig:\n    secure: v1:abc==\n",
    );
    const loaded = loadStackConfig(dir, "s");
    assert.deepStrictEqual(loaded.secureKeys, ["mesh-lab:kubeconfig"]);
    assert.strictEqual(loaded.raw["mesh-lab:kubeconfig"], undefined);
    assert.ok(!JSON.stringify(loaded).includes("v1:abc=="));
  });

  it("refuses a stack that has no stack file", () => {
    assert.throws(
      () => loadStackConfig(dir, "nope"),
      /no stack file for stack "nope" \(looked for Pulumi\.nope\.yaml, Pulumi\.nope\.yml\)/,
    );
  });
});
