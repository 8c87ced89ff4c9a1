import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { runProcess } from "./support/spawn";
import { ROOT } from "./support/stacks";

// docs/access.md's example: its YAML written to a file, each `$ npm run ...` line of its console block run as a
// process (from that file's directory, against this project: `npm --prefix`), its output compared with the
// lines the doc shows under it.
describe("docs/access.md: the example", function () {
  this.timeout(60_000);
  const doc = fs.readFileSync(path.join(ROOT, "docs", "access.md"), "utf8");
  const yaml = /```yaml\n# example\.yaml\n([\s\S]*?)```/.exec(doc);
  const consoleBlock = /```console\n([\s\S]*?)```/.exec(doc);

  it("prints what the doc says, for every command of it", async () => {
    assert.ok(yaml && consoleBlock, "docs/access.md has no example.yaml or console block");
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "mesh-lab-docs-access-"));
    try {
      fs.writeFileSync(path.join(dir, "example.yaml"), yaml[1]);
      const steps = consoleBlock[1].split(/^\$ /m).filter((s) => s.trim() !== "");
      assert.strictEqual(steps.length, 2);
      for (const step of steps) {
        const [command, ...expected] = step.replace(/\n$/, "").split("\n");
        assert.match(command, /^npm run -s access -- /);
        const r = await runProcess("bash", ["-c", command.replace(/^npm run/, `npm --prefix '${ROOT}' run`)], {
          cwd: dir,
          env: { ...process.env, INIT_CWD: dir },
        });
        assert.ok(r.status === 0 || r.status === 1, `${command}: exit ${r.status}\n${r.stderr}`);
        assert.strictEqual(r.stdout, `${expected.join("\n")}\n`, command);
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
