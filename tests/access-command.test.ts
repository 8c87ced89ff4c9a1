import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { stringify } from "yaml";
import { runAccess } from "../access/cli";
import { findKubectl } from "../render/kubectl";
import { basics, namespace, Obj, policy, TO_WAYPOINT, waypoint } from "./support/access-mesh";
import { ProcessResult, runProcess } from "./support/spawn";

// `npm run access` as a user runs it: a process, from a directory of their own, on manifests written here.
const ROOT = path.resolve(__dirname, "..");
const yaml = (objects: readonly Obj[]) => objects.map((o) => stringify(o)).join("---\n");

/** api behind a waypoint that admits web; a second caller, batch, that nothing admits. */
function served(allowed = "web"): Obj[] {
  return [
    ...basics().map((o) =>
      o.kind === "Namespace" && (o.metadata as { name: string }).name === "api"
        ? namespace("api", { "istio.io/dataplane-mode": "ambient", "istio.io/use-waypoint": "waypoint" })
        : o,
    ),
    namespace("batch"),
    {
      apiVersion: "batch/v1",
      kind: "CronJob",
      metadata: { name: "nightly", namespace: "batch" },
      spec: { jobTemplate: { spec: { template: { spec: { containers: [] } } } } },
    },
    waypoint("api"),
    policy("api", "deny-all", {}),
    policy("api", "waypoint-deny-all", { ...TO_WAYPOINT }),
    policy("api", `allow-from-${allowed}`, {
      ...TO_WAYPOINT,
      rules: [{ from: [{ source: { namespaces: [allowed] } }] }],
    }),
    policy("api", "allow-waypoint", {
      rules: [{ from: [{ source: { principals: ["cluster.local/ns/api/sa/waypoint"] } }] }],
    }),
  ];
}

/** runAccess in this process, from `dir` as scripts/access.ts runs it: a mutant Stryker switches on is seen here. */
function inProcess(dir: string, args: string[]): Promise<ProcessResult> {
  let [stdout, stderr] = ["", ""];
  const back = process.cwd();
  process.chdir(dir);
  try {
    const status = runAccess(args, {
      out: { write: (t) => void (stdout += t) },
      err: { write: (t) => void (stderr += t) },
    });
    return Promise.resolve({ status, stdout, stderr });
  } finally {
    process.chdir(back);
  }
}

// The same cases through the door users use (a process), and in-process, where a mutation test can see them.
const RUNNERS: [string, (dir: string, args: string[]) => Promise<ProcessResult>][] = [
  [
    "as a process",
    (dir, args) =>
      runProcess("npm", ["--prefix", ROOT, "run", "-s", "access", "--", ...args], {
        cwd: dir,
        env: { ...process.env, INIT_CWD: dir },
      }),
  ],
  ["in-process (runAccess)", inProcess],
];

for (const [how, run] of RUNNERS)
  describe(`npm run access, ${how}`, function () {
    this.timeout(120_000);
    let dir: string;
    const access = (...args: string[]): Promise<ProcessResult> => run(dir, args);
    const runs: Record<string, Promise<ProcessResult>> = {};

    before(() => {
      dir = fs.mkdtempSync(path.join(os.tmpdir(), "mesh-lab-access-"));
      fs.writeFileSync(path.join(dir, "mesh.yaml"), yaml(served()));
      fs.mkdirSync(path.join(dir, "head"));
      fs.writeFileSync(path.join(dir, "head", "mesh.yaml"), yaml(served("batch")));
      fs.writeFileSync(path.join(dir, "broken.yaml"), "kind: [unclosed\n");
      // All at once: each is a Node start; the suite waits for the slowest.
      runs.query = access("--manifests", "mesh.yaml", "--query", "web/web -> api.api:80 GET /", "--json");
      runs.matrix = access("--manifests", "mesh.yaml");
      runs.all = access("--manifests", "mesh.yaml", "--json");
      runs.broken = access("--manifests", "broken.yaml");
      runs.nothing = access("--manifests", "mesh.yaml", "--query", "web/web -> nope.api:80");
      runs.lint = access("--manifests", "head", "--lint");
      runs.diff = access("--diff", "mesh.yaml", "head");
      fs.writeFileSync(
        path.join(dir, "open.yaml"),
        yaml([...basics(), policy("api", "get", { rules: [{ to: [{ operation: { methods: ["GET"] } }] }] })]),
      );
      runs.lintWarns = access("--manifests", "open.yaml", "--lint");
      runs.unknownOption = access("--manifests", "mesh.yaml", "--matrix");
      // api allows namespace admin, which the manifests do not hold.
      fs.writeFileSync(path.join(dir, "admin.yaml"), yaml(served("admin")));
      runs.absent = access(
        "--manifests",
        "admin.yaml",
        "--query",
        "admin/console -> api.api:80 GET /",
        "--query",
        "web/console -> api.api:80 GET /",
      );
      runs.typo = access("--manifests", "admin.yaml", "--query", "amdin/console -> api.api:80 GET /");
    });
    after(() => fs.rmSync(dir, { recursive: true, force: true }));

    it("answers a query with exactly the documented JSON", async () => {
      const r = await runs.query;
      assert.strictEqual(r.status, 0, r.stderr);
      assert.strictEqual(
        r.stdout,
        '{"decisions": [{"source": "web/web", "destination": "api.api:80", "method": "GET", "path": "/", "verdict": "allow", "enforcedBy": "waypoint", "decidedBy": ["api/allow-from-web"]}]}\n',
      );
    });

    it("without --query, answers every caller the manifests run against every Service port", async () => {
      const all = await runs.all;
      assert.strictEqual(all.status, 0, all.stderr);
      const decisions = (JSON.parse(all.stdout) as { decisions: { source: string; verdict: string }[] }).decisions;
      // Callers: api, web and the CronJob's default account; one Service port.
      assert.deepStrictEqual(
        decisions.map((d) => `${d.source} ${d.verdict}`),
        ["api/api deny", "web/web allow", "batch/default deny"],
      );
      const matrix = await runs.matrix;
      assert.strictEqual(matrix.status, 0, matrix.stderr);
      assert.match(matrix.stdout, /^web\/web\s+W$/m);
      assert.match(matrix.stdout, /^batch\/default\s+\.$/m);
      assert.match(matrix.stdout, /1 {2}api\.api:80 \(waypoint api\/waypoint\)/);
    });

    it("exits 2 naming the file that is not YAML, and the query that names nothing", async () => {
      const broken = await runs.broken;
      assert.strictEqual(broken.status, 2);
      assert.match(broken.stderr, /broken\.yaml is not YAML/);
      const nothing = await runs.nothing;
      assert.strictEqual(nothing.status, 2);
      assert.match(nothing.stderr, /no Service api\/nope/);
    });

    it("judges a caller whose namespace only a policy names as in the ambient mesh, says so, and refuses a typo", async () => {
      const r = await runs.absent;
      assert.strictEqual(r.status, 0, r.stderr);
      assert.match(r.stdout, /^admin\/console -> api\.api:80 GET \/: allow/m);
      assert.match(r.stdout, /^web\/console -> api\.api:80 GET \/: deny/m);
      assert.match(
        r.stderr,
        /^note: --query "admin\/console -> api\.api:80 GET \/": namespace admin is not in the manifests \(no Namespace object, no workload\); judged as in the ambient mesh, with the identity admin\/console\./m,
      );
      // web is in the manifests: no note about it.
      assert.strictEqual(r.stderr.split("note:").length - 1, 1, r.stderr);
      const typo = await runs.typo;
      assert.strictEqual(typo.status, 2, typo.stderr);
      assert.match(
        typo.stderr,
        /namespace amdin is not in the manifests \(no Namespace object, no workload\) and no policy names it/,
      );
    });

    it("--lint exits 0 on manifests that do what they look like", async () => {
      const lint = await runs.lint;
      assert.strictEqual(lint.status, 0, lint.stdout + lint.stderr);
      assert.match(lint.stdout, /^0 warning\(s\)$/m);
    });

    it("--lint exits 1 when it warns; an unknown option exits 2", async () => {
      const lint = await runs.lintWarns;
      assert.strictEqual(lint.status, 1, lint.stderr);
      assert.match(lint.stdout, /^warning: AuthorizationPolicy api\/get: rules\[0\] has HTTP fields \(methods\)/m);
      assert.match(lint.stdout, /^1 warning\(s\)$/m);
      const unknown = await runs.unknownOption;
      assert.strictEqual(unknown.status, 2);
      assert.match(unknown.stderr, /npm run access: Unknown option '--matrix'/);
    });

    it("--diff lists the pairs whose verdict changes", async () => {
      const diff = await runs.diff;
      assert.strictEqual(diff.status, 0, diff.stderr);
      assert.strictEqual(
        diff.stdout,
        [
          "2 access change(s)",
          "  batch/default -> api.api:80: now allowed (waypoint), was denied (waypoint: api/waypoint-deny-all, api/allow-from-web)",
          "  web/web -> api.api:80: now denied (waypoint: api/waypoint-deny-all, api/allow-from-batch), was allowed (waypoint)",
          "",
        ].join("\n"),
      );
    });

    // These two set up this process ($KUBECTL) or need no second run as a process: in-process only.
    if (run === inProcess) {
      it("reads kind: List items, and principals in the trust domain --trust-domain names", async () => {
        const list = path.join(dir, "list.yaml");
        const allowPrincipal = policy("api", "p", {
          rules: [{ from: [{ source: { principals: ["mesh.example/ns/web/sa/web"] } }] }],
        });
        fs.writeFileSync(list, stringify({ apiVersion: "v1", kind: "List", items: [...basics(), allowPrincipal] }));
        const query = async (...extra: string[]) => {
          const r = await access("--manifests", list, "--query", "web/web -> api.api:80", ...extra);
          assert.strictEqual(r.status, 0, r.stderr);
          return r.stdout;
        };
        assert.match(await query(), /: deny \(ztunnel; api\/p\)/);
        assert.match(await query("--trust-domain", "mesh.example"), /: allow \(ztunnel; api\/p\)/);
      });

      it("says a kustomization needs kubectl when $KUBECTL is missing or not executable, exit 2", async () => {
        const overlay = fs.mkdtempSync(path.join(os.tmpdir(), "mesh-lab-access-kust-"));
        fs.writeFileSync(path.join(overlay, "kustomization.yaml"), "resources: []\n");
        fs.writeFileSync(path.join(overlay, "not-executable"), "#!/bin/sh\n", { mode: 0o644 });
        const saved = process.env.KUBECTL;
        try {
          for (const kubectl of ["no-such-kubectl", "not-executable"]) {
            process.env.KUBECTL = path.join(overlay, kubectl);
            const r = await access("--manifests", overlay);
            assert.strictEqual(r.status, 2, kubectl);
            assert.match(r.stderr, /is a kustomization: building it needs kubectl \(on PATH, or \$KUBECTL\)/, kubectl);
          }
        } finally {
          if (saved === undefined) delete process.env.KUBECTL;
          else process.env.KUBECTL = saved;
          fs.rmSync(overlay, { recursive: true, force: true });
        }
      });
    }

    describe("on kustomizations and rendered trees (needs kubectl)", () => {
      const kubectl = findKubectl();
      before(function () {
        if (kubectl === undefined) {
          console.log("    skipped: no kubectl on PATH (or $KUBECTL); these cases build kustomizations with it");
          this.skip();
        }
      });

      it("builds a kustomization directory, and compares two rendered trees cluster by cluster", async () => {
        for (const [tree, objects] of [
          ["base", served()],
          ["next", served("batch")],
        ] as const) {
          const overlay = path.join(dir, tree, "clusters", "east");
          fs.mkdirSync(overlay, { recursive: true });
          fs.writeFileSync(path.join(overlay, "mesh.yaml"), yaml(objects));
          fs.writeFileSync(path.join(overlay, "kustomization.yaml"), "resources:\n  - mesh.yaml\n");
        }
        const built = await access("--manifests", "base/clusters/east", "--query", "web/web -> api.api:80");
        assert.strictEqual(built.status, 0, built.stderr);
        assert.match(built.stdout, /web\/web -> api\.api:80: allow \(waypoint; api\/allow-from-web\)/);
        const diff = await access("--diff", "base", "next", "--json");
        assert.strictEqual(diff.status, 0, diff.stderr);
        const changes = (JSON.parse(diff.stdout) as { changes: { cluster: string; source: string }[] }).changes;
        assert.deepStrictEqual(
          changes.map((c) => `${c.cluster} ${c.source}`),
          ["east batch/default", "east web/web"],
        );
        // A tree of units: the cluster unit stands for the cluster, its tenant units with it.
        const unit = path.join(dir, "units", "tenants", "east", "api");
        fs.mkdirSync(unit, { recursive: true });
        fs.writeFileSync(path.join(unit, "mesh.yaml"), yaml(served()));
        fs.writeFileSync(path.join(unit, "kustomization.yaml"), "resources:\n  - mesh.yaml\n");
        fs.mkdirSync(path.join(dir, "units", "clusters", "east"), { recursive: true });
        fs.writeFileSync(path.join(dir, "units", "clusters", "east", "kustomization.yaml"), "resources: []\n");
        // not a tree the render wrote: the cluster unit is read alone, and holds no Service
        const alone = await access("--manifests", "units/clusters/east", "--query", "web/web -> api.api:80");
        assert.strictEqual(alone.status, 2, alone.stdout);
        fs.writeFileSync(path.join(dir, "units", ".rendered-files"), "clusters/east/kustomization.yaml\n");
        for (const spelt of [
          "units/clusters/east",
          "units/clusters/east/",
          "units/clusters/east/.",
          "units/tenants/../clusters/east",
        ]) {
          const units = await access("--manifests", spelt, "--query", "web/web -> api.api:80");
          assert.strictEqual(units.status, 0, units.stderr);
          assert.match(units.stdout, /web\/web -> api\.api:80: allow \(waypoint; api\/allow-from-web\)/, spelt);
        }
        // The cluster's tenant units alone: pointed at the cluster unit, which brings them.
        const tenants = await access("--manifests", "units/tenants/east");
        assert.strictEqual(tenants.status, 2, tenants.stdout);
        assert.match(
          tenants.stderr,
          /--manifests units\/tenants\/east holds the tenant units of east; pass the cluster's unit, units\/clusters\/east \(it brings/,
        );
        const whole = await access("--manifests", "base");
        assert.strictEqual(whole.status, 2);
        assert.match(
          whole.stderr,
          /rendered tree of 1 cluster\(s\); pass one cluster's unit, such as base\/clusters\/east/,
        );
      });
    });
  });
