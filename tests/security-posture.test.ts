import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { Capture } from "./support/run-program";
import * as pulumi from "@pulumi/pulumi";
import { parseSettings } from "../config/parse-settings";
import { readStackInputs } from "../config/pulumi-config";
import { defaultApps, find, ROOT, run, STACKS, stackRaw, T, withConfig } from "./support/stacks";

type Pod = {
  automountServiceAccountToken?: boolean;
  securityContext?: Record<string, unknown>;
  containers: { name: string; image: string; securityContext?: Record<string, unknown> }[];
};

/** Every pod template the program registers (Deployments and Jobs). */
function pods(capture: Capture): [string, Pod][] {
  return capture.resources
    .filter((r) => r.type === T.deployment || r.type === "kubernetes:batch/v1:Job")
    .map((r) => [r.name, (r.inputs.spec as { template: { spec: Pod } }).template.spec]);
}

describe("security posture", () => {
  for (const stack of STACKS) {
    describe(stack, () => {
      // Policy checks on, so their Jobs are held to the same rules.
      const settings = () => parseSettings(stack, withConfig(stack, { verifyPolicies: "true" }));

      it("makes every app namespace deny-by-default", async () => {
        const capture = await run(settings());
        for (const app of settings().apps) {
          const denyAll = find(capture, T.policy, `${app.name}-deny-all`).inputs;
          assert.deepStrictEqual(denyAll.spec, {}, `${app.namespace} has no empty deny-all`);
          assert.strictEqual((denyAll.metadata as { namespace: string }).namespace, app.namespace);
        }
      });

      it("has no ALLOW rule without a source", async () => {
        const capture = await run(settings());
        const allows = capture.resources.filter(
          (r) => r.type === T.policy && (r.inputs.spec as { action?: string }).action === "ALLOW",
        );
        assert.ok(allows.length >= 2);
        for (const p of allows) {
          const rules =
            (p.inputs.spec as { rules?: { from?: { source?: Record<string, unknown[]> }[] }[] }).rules ?? [];
          assert.ok(rules.length > 0, `${p.name} allows everything`);
          for (const rule of rules) {
            const sources = (rule.from ?? []).map((f) => f.source ?? {});
            assert.ok(
              sources.length > 0 && sources.every((s) => Object.values(s).some((v) => v.length > 0)),
              `${p.name} has a rule with no source`,
            );
          }
        }
      });

      it("runs every own pod non-root, read-only, with no capabilities, RuntimeDefault seccomp, no escalation and no token", async () => {
        const all = pods(await run(settings()));
        assert.ok(all.length >= 4, "deployments and policy-check jobs");
        for (const [name, pod] of all) {
          assert.strictEqual(pod.automountServiceAccountToken, false, name);
          assert.strictEqual(pod.securityContext?.runAsNonRoot, true, name);
          assert.deepStrictEqual(pod.securityContext?.seccompProfile, { type: "RuntimeDefault" }, name);
          for (const c of pod.containers) {
            assert.deepStrictEqual(
              c.securityContext,
              {
                allowPrivilegeEscalation: false,
                readOnlyRootFilesystem: true,
                runAsNonRoot: true,
                capabilities: { drop: ["ALL"] },
              },
              `${name}/${c.name}`,
            );
          }
        }
      });
    });
  }

  it("deploys images pinned by digest from config", async () => {
    const digest = "hashicorp/http-echo:1.0@sha256:" + "a".repeat(64);
    const apps = defaultApps();
    apps[0].image = digest;
    const capture = await run(
      parseSettings(
        "cluster-1",
        withConfig("cluster-1", { apps, verifyImage: "curlimages/curl@sha256:" + "b".repeat(64) }),
      ),
    );
    const pod = (find(capture, T.deployment, "accounts-deployment").inputs.spec as { template: { spec: Pod } }).template
      .spec;
    assert.strictEqual(pod.containers[0].image, digest);
  });

  it("reads the kubeconfig only as a secret, and never prints it in a config error", async () => {
    // the one reader hands it on as a secret Output (a plain get() would hand over the text)
    // as the CLI hands over a `secure:` value: decrypted, its key listed as secret
    pulumi.runtime.setAllConfig({ ...stackRaw("cluster-1"), "mesh-lab:kubeconfig": "apiVersion: v1" }, [
      "mesh-lab:kubeconfig",
    ]);
    try {
      const { kubeconfig } = readStackInputs();
      assert.ok(pulumi.Output.isInstance(kubeconfig), "the kubeconfig is not an Output");
      assert.strictEqual(await pulumi.isSecret(kubeconfig), true);
    } finally {
      pulumi.runtime.setAllConfig({}, []);
    }
    // and no other file reads it as plain text (a source scan: mutation-instrumented copies still match it)
    for (const dir of ["config", "envoy-cel", "plan", "components", "render", "scripts"]) {
      for (const file of fs.readdirSync(path.join(ROOT, dir), { recursive: true }) as string[]) {
        if (!file.endsWith(".ts")) continue;
        const text = fs.readFileSync(path.join(ROOT, dir, file), "utf8");
        assert.doesNotMatch(
          text,
          /\.(get|require|getObject)\("kubeconfig"\)/,
          `${dir}/${file} reads the kubeconfig as plain text`,
        );
      }
    }
    // and a config error elsewhere does not echo it
    const raw = withConfig("cluster-1", {
      kubeconfig: "apiVersion: v1\nusers: [{token: SECRET-TOKEN}]",
      waypoints: "yes",
    });
    assert.throws(
      () => parseSettings("cluster-1", raw),
      (e: Error) => !e.message.includes("SECRET-TOKEN") && e.message.includes("mesh-lab:waypoints"),
    );
  });
});
