import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { parse, parseDocument } from "yaml";
import { sampleCopy } from "./support/render-project";
import { runProcess } from "./support/spawn";
import { ROOT } from "./support/stacks";

// docs/deploying.md, "Your own clusters and services, from a fresh clone", followed block by block in a copy of
// the project that starts as a fresh clone does (the sample's stacks and tree): each YAML block is written to the
// file its first line names, each command runs, except the ones that need what this machine lacks.
const SECTION = "## Your own clusters and services, from a fresh clone";

interface Block {
  readonly lang: string;
  readonly text: string;
}

function blocks(): Block[] {
  const doc = fs.readFileSync(path.join(ROOT, "docs", "deploying.md"), "utf8");
  const start = doc.indexOf(SECTION);
  assert.ok(start >= 0, `docs/deploying.md has no section "${SECTION}"`);
  const end = doc.indexOf("\n## ", start + SECTION.length);
  const section = doc.slice(start, end < 0 ? undefined : end);
  return [...section.matchAll(/^( *)```(\w+)\n([\s\S]*?)^\1```$/gm)].map((m) => ({
    lang: m[2],
    text: m[3]
      .split("\n")
      .map((l) => l.slice(m[1].length))
      .join("\n"),
  }));
}

/** Why a documented command does not run here, or undefined when it does. */
function cannotRun(command: string): string | undefined {
  if (command.startsWith("pulumi ")) return "needs the Pulumi CLI and a cluster, which this machine has neither of";
  if (command === "npm ci") return "the copy links this checkout's installed packages";
  return undefined;
}

describe("docs/deploying.md: a team's own clusters and services, from a fresh clone", function () {
  this.timeout(300000);
  let dir: string;
  before(() => {
    dir = sampleCopy();
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("every block can be followed as written, and the tree is the team's", async () => {
    const found = blocks();
    let rendered = "";
    assert.ok(found.filter((b) => b.lang === "yaml").length >= 3 && found.filter((b) => b.lang === "bash").length >= 3);
    for (const block of found) {
      if (block.lang === "yaml") {
        const [first, ...rest] = block.text.split("\n");
        const target = /^# (\S+)(?:: (\S+))?$/.exec(first);
        assert.ok(target, `a YAML block without its file on the first line: ${first}`);
        const file = path.join(dir, target[1]);
        if (target[2] === undefined) fs.writeFileSync(file, block.text);
        else {
          const doc = parseDocument(fs.readFileSync(file, "utf8"));
          doc.setIn(target[2].split("."), doc.createNode(parse(rest.join("\n"))));
          fs.writeFileSync(file, doc.toString());
        }
        continue;
      }
      for (const line of block.text.split("\n").map((l) => l.replace(/\s+#.*$/, "").trim())) {
        if (line === "") continue;
        const why = cannotRun(line);
        if (why) {
          console.log(`      not run: ${line} (${why})`);
          continue;
        }
        const r = await runProcess("sh", ["-c", line], { cwd: dir, env: { ...process.env, INIT_CWD: dir } });
        assert.strictEqual(r.status, 0, `${line}\n${r.stdout}${r.stderr}`);
        if (line === "npm run render") rendered = r.stderr;
      }
    }
    // What step 4 says the render prints besides its summary: the ledger warning once per stack, and no note
    // about the placeholder repository, since both stack files set theirs.
    const said = rendered.split("\n").filter((l) => /^(warning|note):/.test(l));
    assert.deepStrictEqual(
      said.map(
        (l) =>
          /^warning: stack "([^"]+)": key "mesh-lab:telemetry\.overrides\[\d+\]" \(REQUEST_COUNT[^)]*\) changes nothing in namespace "ledger"/.exec(
            l,
          )?.[1],
      ),
      ["prod-eu", "prod-us"],
      rendered,
    );
    const gitops = path.join(dir, "gitops");
    assert.ok(fs.existsSync(path.join(gitops, "clusters", "prod-eu", "kustomization.yaml")));
    assert.ok(fs.existsSync(path.join(gitops, "argocd", "prod-eu.yaml")));
    assert.ok(fs.existsSync(path.join(gitops, "flux", "prod-us", "sync.yaml")));
    assert.ok(!fs.existsSync(path.join(gitops, "clusters", "cluster-1")), "the sample's overlay is gone");
    assert.ok(fs.existsSync(path.join(gitops, "apps", "payments")));
  });
});
