import * as assert from "assert";
import * as fc from "fast-check";
import * as fs from "fs";
import * as path from "path";
import { stringify } from "yaml";
import { listStacks } from "../config/project-files";
import { buildOverlays } from "../render/kustomize-build";
import { findKubectl } from "../render/kubectl";
import { planStacks } from "../render/load-stacks";
import { readOwnedTree } from "../render/tree-writer";
import { toYaml } from "../render/yaml";
import { renderCli, tempProject } from "./support/render-project";

// Property: for any stack file (valid, invalid or adversarial), the render either exits 2 naming a key with
// nothing written, or writes a tree whose overlays `kubectl kustomize` builds to exactly the planned objects;
// and no file it does not own is touched. Fixed seed; FUZZ_RUNS=N runs longer (npm test runs 20).
const RUNS = Number(process.env.FUZZ_RUNS ?? 20);
const SEED = Number(process.env.FUZZ_SEED ?? 9);

const tricky = [
  "yes",
  "on",
  "-0o17",
  "010",
  "0x1F",
  "1_000",
  "1:20",
  "1.10",
  "~",
  "null",
  "2024-01-01",
  "<<",
  "a\u2028b",
  "a\u0085b",
  "\u001b[31m",
  "#x",
  "- x",
  "a: b",
  "'q'",
  '"d"',
  "",
  " lead",
  "trail ",
  "ü",
  "${HOME}",
  "$(id)",
];
const word = fc.oneof(fc.constantFrom("-text=hi", "-listen=:8080", "x", ...tricky), fc.string({ maxLength: 12 }));
const names = [
  "accounts",
  "finance",
  "ledger",
  "waypoint",
  "kube-system",
  "istio-system",
  "mesh-lab-probe",
  "1app",
  "Caps",
  "a".repeat(50),
  "default",
];
const name = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom("accounts", "finance", "ledger") },
  { weight: 1, arbitrary: fc.constantFrom(...names) },
);

const app = fc.record(
  {
    name,
    namespace: name,
    image: fc.constantFrom("hashicorp/http-echo:1.0", "curlimages/curl:8.11.1", "nginx", "Bad Image:1"),
    args: fc.array(word, { maxLength: 3 }),
    port: fc.constantFrom(8080, 80, 0, 70000, "http", 1.5),
    replicas: fc.constantFrom(1, 0, -1, "2"),
    waypoint: fc.constantFrom(true, false, "yes"),
    global: fc.boolean(),
    allowFrom: fc.array(name, { maxLength: 3 }),
    calls: fc.array(name, { maxLength: 2 }),
    callIntervalSeconds: fc.constantFrom(5, 0, 3601),
  },
  { requiredKeys: ["name", "image"] },
);

const config = fc.record(
  {
    "mesh-lab:waypoints": fc.constantFrom(true, false, "yes", "on"),
    "mesh-lab:network": fc.constantFrom("network1", "1.10", 1.1, "net work", "n\u2028"),
    "mesh-lab:podSecurity": fc.constantFrom("baseline", "restricted", "strict"),
    "mesh-lab:gitopsRepoUrl": fc.constantFrom(
      "https://github.com/acme/mesh.git",
      "https://tok@github.com/a/b.git",
      "https://github.com/a/b.git?t=SECRET",
      "git@github.com:acme/mesh.git",
    ),
    "mesh-lab:apps": fc.array(app, { minLength: 1, maxLength: 3 }),
    "mesh-lab:telemetry": fc.constantFrom(
      undefined,
      { metricsProvider: "promethues" },
      { overrides: [{ match: { metric: "REQUEST_COUNT" }, tagOverrides: { t: { value: "string(1 / 0)" } } }] },
    ),
    "mesh-lab:kubeconfig": fc.constantFrom({ secure: "AAAB" }, "plain-SECRET"),
  },
  { requiredKeys: [] },
);
// Valid configs whose values are tricky but legal once quoted: they test the render's own YAML and kustomize.
// eslint-disable-next-line no-control-regex -- the control characters are what this filter looks for
const printable = tricky.filter((t) => !/[\u0000-\u001f\u0085\u2028]/.test(t));
const validConfig = fc.record({
  "mesh-lab:waypoints": fc.boolean(),
  "mesh-lab:network": fc.constantFrom("network1", "1.10", "net_2.b"),
  "mesh-lab:apps": fc
    .tuple(
      fc.array(fc.oneof(fc.constantFrom(...printable), fc.string({ maxLength: 12 })), { maxLength: 4 }),
      fc.boolean(),
      fc.boolean(),
      fc.integer({ min: 1, max: 3600 }),
      fc.boolean(),
    )
    .map(([args, waypoint, global, interval, ledger]) => [
      {
        name: "accounts",
        image: "hashicorp/http-echo:1.0",
        args,
        port: 8080,
        waypoint,
        global,
        allowFrom: ledger ? ["finance", "ledger"] : ["finance"],
      },
      { name: "finance", image: "curlimages/curl:8.11.1", calls: ["accounts"], callIntervalSeconds: interval },
      ...(ledger ? [{ name: "ledger", namespace: "books", image: "curlimages/curl:8.11.1", calls: ["accounts"] }] : []),
    ]),
});

// Half the files are written carefully (ambiguous strings quoted), half naively (as a hand-written file might be).
const stackFile = fc.tuple(fc.oneof(validConfig, config), fc.boolean()).map(([c, careful]) => {
  const doc = { config: { "mesh-lab:kubeContext": "k3d-cluster-1", "mesh-lab:clusterName": "cluster-1", ...c } };
  return careful ? toYaml(doc, undefined, { keepOrder: true }) : stringify(doc);
});

/** Files the render must never touch: a `.git/`-like directory, a binary and a user's note, inside gitops/. */
function plantForeign(gitops: string): Map<string, string> {
  fs.mkdirSync(path.join(gitops, ".git", "objects"), { recursive: true });
  fs.writeFileSync(path.join(gitops, ".git", "HEAD"), "ref: refs/heads/main\n");
  fs.writeFileSync(path.join(gitops, ".git", "objects", "pack.bin"), Buffer.from([0, 159, 146, 150, 255]));
  fs.writeFileSync(path.join(gitops, "NOTES.md"), "mine\n");
  return foreign(gitops);
}
function foreign(gitops: string): Map<string, string> {
  return new Map(
    [".git/HEAD", ".git/objects/pack.bin", "NOTES.md"].map((p) => [
      p,
      fs.readFileSync(path.join(gitops, p)).toString("base64"),
    ]),
  );
}

describe(`fuzz: stack files (${RUNS} runs, seed ${SEED})`, () => {
  it("each render refuses naming a key with nothing written, or writes a tree that builds to its plan; foreign files stay", async function () {
    this.timeout(Math.max(60000, RUNS * 5000));
    const kubectl = findKubectl();
    if (kubectl === undefined)
      console.log(
        "      note: kubectl is not on PATH (nor $KUBECTL): rendered trees are not built here, the other properties are checked",
      );
    let rendered = 0;
    await fc.assert(
      fc.asyncProperty(stackFile, async (text) => {
        const dir = tempProject();
        try {
          fs.writeFileSync(path.join(dir, "Pulumi.cluster-1.yaml"), text);
          const gitops = path.join(dir, "gitops");
          const before = plantForeign(gitops);
          const result = await renderCli(dir);
          assert.deepStrictEqual(foreign(gitops), before, "a file the render does not own changed");
          assert.doesNotMatch(result.stderr, /SECRET/, "a secret reached the output");
          if (result.code === 2) {
            assert.match(result.stderr, /key "mesh-lab:[^"]+"/, result.stderr);
            assert.deepStrictEqual(
              fs.readdirSync(gitops).sort(),
              [".git", "NOTES.md"],
              "a refused render wrote something",
            );
            return;
          }
          assert.strictEqual(result.code, 0, `neither refused (2) nor rendered (0):\n${result.stderr}\n${text}`);
          rendered++;
          if (kubectl === undefined) return;
          // The bytes on disk, read back and built again with kubectl, without the build cache the render used.
          const tree = readOwnedTree(gitops, "gitops");
          const planned = planStacks(dir, listStacks(dir));
          assert.deepStrictEqual((await buildOverlays(kubectl, tree, planned)).problems, []);
        } finally {
          fs.rmSync(dir, { recursive: true, force: true });
        }
      }),
      { numRuns: RUNS, seed: SEED, endOnFailure: true },
    );
    console.log(`      ${rendered} of ${RUNS} generated stack files rendered, the rest were refused`);
  });
});
