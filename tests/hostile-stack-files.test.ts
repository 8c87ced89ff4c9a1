import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { CaptureError, runProgram } from "./support/run-program";
import { ConfigError } from "../config/problems";
import { parseSettings } from "../config/parse-settings";
import { readStackInputs } from "../config/pulumi-config";
import { renderCli, snapshot, tempProject } from "./support/render-project";
import { defaultApps, program, stackRaw, withConfig } from "./support/stacks";

// Threat-model boundary "stack files" (docs/threat-model.md): hostile or careless values, each refused
// before anything is registered or written, with a message naming the key.
const [a, f] = defaultApps();
const ns = (namespace: string) => ({ apps: [{ ...a, namespace }, f] });
const WHY_NS = "expected a namespace the app owns, not";
const LONG = "ledger-reconciliation-service";

const rows: [string, Record<string, unknown>, string][] = [
  [
    "Istio's root namespace as a tenant",
    ns("istio-system"),
    `key "mesh-lab:apps[0].namespace" is "istio-system"; ${WHY_NS} istio-system (Istio's root namespace: a policy there applies to the whole mesh)`,
  ],
  [
    "kube-system as a tenant",
    ns("kube-system"),
    `key "mesh-lab:apps[0].namespace" is "kube-system"; ${WHY_NS} kube-system (a Kubernetes system namespace)`,
  ],
  [
    "kube-public as a tenant",
    ns("kube-public"),
    `key "mesh-lab:apps[0].namespace" is "kube-public"; ${WHY_NS} kube-public (a Kubernetes system namespace)`,
  ],
  [
    "kube-node-lease as a tenant",
    ns("kube-node-lease"),
    `key "mesh-lab:apps[0].namespace" is "kube-node-lease"; ${WHY_NS} kube-node-lease (a Kubernetes system namespace)`,
  ],
  [
    "any kube-* namespace as a tenant",
    ns("kube-extra"),
    `key "mesh-lab:apps[0].namespace" is "kube-extra"; ${WHY_NS} kube-extra (kube-* namespaces are reserved for Kubernetes)`,
  ],
  [
    "default as a tenant",
    ns("default"),
    `key "mesh-lab:apps[0].namespace" is "default"; ${WHY_NS} default (the cluster's default namespace)`,
  ],
  [
    "argocd as a tenant",
    ns("argocd"),
    `key "mesh-lab:apps[0].namespace" is "argocd"; ${WHY_NS} argocd (Argo CD's namespace)`,
  ],
  [
    "flux-system as a tenant",
    ns("flux-system"),
    `key "mesh-lab:apps[0].namespace" is "flux-system"; ${WHY_NS} flux-system (Flux's namespace)`,
  ],
  [
    "the probe namespace as a tenant",
    ns("mesh-lab-probe"),
    `key "mesh-lab:apps[0].namespace" is "mesh-lab-probe"; ${WHY_NS} mesh-lab-probe (the policy check's probe namespace, which no app may allow)`,
  ],
  [
    "a reserved namespace by the app's name",
    { apps: [a, { ...f, name: "kube-system" }] },
    `key "mesh-lab:apps[1].name" is "kube-system"; ${WHY_NS} kube-system (a Kubernetes system namespace)`,
  ],
  [
    "an app named waypoint",
    { apps: [{ ...a, name: "waypoint", namespace: "accounts" }, f] },
    `key "mesh-lab:apps[0].name" is "waypoint"; expected a name other than "waypoint": it is the waypoint's ServiceAccount, so the app would pass the rule that admits the waypoint`,
  ],
  [
    "an app name that is not a DNS-1035 label",
    { apps: [{ ...a, name: "1accounts", namespace: "accounts" }, f] },
    `key "mesh-lab:apps[0].name" is "1accounts"; expected a DNS-1035 label (lowercase letters, digits and '-', 1-63 characters, starting with a letter, ending alphanumeric): it names a Service`,
  ],
  [
    "a duplicate allowFrom entry",
    { apps: [{ ...a, allowFrom: ["finance", "finance"] }, f] },
    `key "mesh-lab:apps[0].allowFrom[1]" is "finance"; expected one entry per caller (mesh-lab:apps[0].allowFrom[0] admits every request of finance; each entry is the policy allow-from-finance): drop one`,
  ],
  [
    "an HTTP rule for a caller a namespace entry already admits",
    { apps: [{ ...a, waypoint: true, allowFrom: ["finance", { from: "finance", methods: ["GET"] }] }, f] },
    `key "mesh-lab:apps[0].allowFrom[1]" is {"from":"finance","methods":["GET"]}; expected one entry per caller (mesh-lab:apps[0].allowFrom[0] admits every request of finance, so this HTTP rule would add nothing; each entry is the policy allow-from-finance): drop one`,
  ],
  [
    "a namespace entry after the same caller's HTTP rule",
    { apps: [{ ...a, waypoint: true, allowFrom: [{ from: "finance", paths: ["/x"] }, "finance"] }, f] },
    `key "mesh-lab:apps[0].allowFrom[1]" is "finance"; expected one entry per caller (mesh-lab:apps[0].allowFrom[0] is already the HTTP rule for finance; each entry is the policy allow-from-finance): drop one`,
  ],
  [
    "two HTTP rules for one service account",
    {
      apps: [
        {
          ...a,
          waypoint: true,
          allowFrom: [
            { from: "finance/finance", methods: ["GET"] },
            { from: "finance/finance", methods: ["POST"] },
          ],
        },
        f,
      ],
    },
    `key "mesh-lab:apps[0].allowFrom[1]" is {"from":"finance/finance","methods":["POST"]}; expected one entry per caller (mesh-lab:apps[0].allowFrom[0] is already the HTTP rule for finance/finance; each entry is the policy allow-from-finance.finance): put these methods and paths in that entry, which then admits each of its methods on each of its paths (more than the two did), or drop one`,
  ],
  [
    "a duplicate calls entry",
    { apps: [a, { ...f, calls: ["accounts", "accounts"] }] },
    `key "mesh-lab:apps[1].calls[1]" is "accounts"; expected an entry not already listed (mesh-lab:apps[1].calls[0] has it)`,
  ],
  [
    "a policy-check Job name over 63 characters",
    {
      apps: [
        { ...a, name: LONG, allowFrom: ["finance-reporting"] },
        { ...f, namespace: "finance-reporting", calls: [LONG] },
      ],
    },
    `key "mesh-lab:apps[0].allowFrom[0]" is "finance-reporting"; expected a shorter app name (mesh-lab:apps[0].name) or namespace: the policy-check Job verify-${LONG}-from-finance-reporting-<8 hex> has 68 characters, over 63`,
  ],
  [
    "a token in the repository URL's query",
    { gitopsRepoUrl: "https://github.com/org/repo.git?private_token=glpat-SECRET" },
    `key "mesh-lab:gitopsRepoUrl" is "https://github.com/org/repo.git?***"; expected an https or ssh Git URL without credentials, query or fragment (https://github.com/org/repo.git, ssh://git@github.com/org/repo.git or git@github.com:org/repo.git)`,
  ],
  [
    "a token in the repository URL's user part",
    { gitopsRepoUrl: "https://x-access-token:ghp_SECRET@github.com/org/repo.git" },
    `key "mesh-lab:gitopsRepoUrl" is "https://***@github.com/org/repo.git"; expected an https or ssh Git URL without credentials, query or fragment (https://github.com/org/repo.git, ssh://git@github.com/org/repo.git or git@github.com:org/repo.git)`,
  ],
  [
    "a token in the repository URL's fragment",
    { gitopsRepoUrl: "https://github.com/org/repo.git#SECRET" },
    `key "mesh-lab:gitopsRepoUrl" is "https://github.com/org/repo.git#***"; expected an https or ssh Git URL without credentials, query or fragment (https://github.com/org/repo.git, ssh://git@github.com/org/repo.git or git@github.com:org/repo.git)`,
  ],
  [
    "a U+2028 line separator in an arg",
    { apps: [{ ...a, args: ["-text=a\u2028b"] }, f] },
    `key "mesh-lab:apps[0].args[0]" contains the control or separator character U+2028; expected printable text (kubectl kustomize and YAML 1.1 readers break on it)`,
  ],
  [
    "a misspelt metrics provider",
    { telemetry: { metricsProvider: "promethues" } },
    `key "mesh-lab:telemetry.metricsProvider" is "promethues"; expected prometheus (did you mean prometheus?), or the name of an extension provider of your mesh config that is not one typo away from prometheus`,
  ],
];

describe(`hostile stack values (${rows.length} rows)`, () => {
  for (const [what, changes, problem] of rows) {
    describe(what, () => {
      it("the program refuses it, naming the key, and registers nothing", async () => {
        pulumi.runtime.setAllConfig({ ...withConfig("cluster-1", changes) });
        try {
          const failed = await runProgram(() => program(readStackInputs())()).catch((e: unknown) => e);
          assert.ok(failed instanceof CaptureError, `expected a failure, got ${String(failed)}`);
          assert.ok(failed.cause instanceof ConfigError, String(failed.cause));
          assert.deepStrictEqual(failed.cause.problems, [problem]);
          assert.deepStrictEqual(failed.resources, []);
        } finally {
          pulumi.runtime.setAllConfig({});
        }
      });

      it("the render exits 2 with the same problem, writes nothing and prints no secret", async () => {
        const dir = tempProject({ "cluster-1": changes });
        try {
          const result = await renderCli(dir, "--out", path.join(dir, "out"));
          assert.strictEqual(result.code, 2, result.stderr);
          assert.ok(result.stderr.includes(problem), result.stderr);
          assert.doesNotMatch(result.stderr, /SECRET/);
          assert.deepStrictEqual(fs.readdirSync(dir).sort(), [
            "Pulumi.cluster-1.yaml",
            "Pulumi.cluster-2.yaml",
            "Pulumi.yaml",
          ]);
        } finally {
          fs.rmSync(dir, { recursive: true, force: true });
        }
      });
    });
  }
});

describe("stack names that cannot name Kubernetes objects", () => {
  for (const stack of ["cluster_3", "Cluster-4", "c.5"]) {
    it(`"${stack}" is refused by parseSettings and by the render`, async () => {
      const rule = `stack name "${stack}" cannot name its Kubernetes objects (Argo CD Application mesh-lab-<stack>, gitops/clusters/<stack>): expected lowercase letters, digits and '-', starting and ending alphanumeric, at most 54 characters. Pulumi allows '_', '.' and capitals in stack names; Kubernetes names do not. Rename Pulumi.${stack}.yaml (pulumi stack rename)`;
      assert.throws(
        () => parseSettings(stack, stackRaw("cluster-1")),
        (e: unknown) => e instanceof ConfigError && e.problems.includes(rule),
      );
      const dir = tempProject({}, { stacks: ["cluster-1", stack] });
      try {
        const before = snapshot(dir);
        const result = await renderCli(dir);
        assert.strictEqual(result.code, 2, result.stderr);
        assert.ok(result.stderr.includes(`stack "${stack}": ${rule}`), result.stderr);
        assert.deepStrictEqual(snapshot(dir), before);
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    });
  }
});

describe("telemetry.metricsProvider", () => {
  it("accepts a custom extension provider whose name is not a near-miss of prometheus", () => {
    const raw = withConfig("cluster-1", { telemetry: { metricsProvider: "otel-metrics" } });
    assert.strictEqual(parseSettings("cluster-1", raw).telemetry.metricsProvider, "otel-metrics");
  });
});
