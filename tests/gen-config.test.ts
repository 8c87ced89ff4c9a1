import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { parseDocument } from "yaml";
import { projectCopy } from "./support/render-project";
import { runProcess } from "./support/spawn";

// `npm run gen:config`, as a process in a copy of the project: it writes the schema's declarations into
// Pulumi.yaml and keeps what the user wrote there (docs/config.md: add apps to Pulumi.yaml).
describe("npm run gen:config, in a project whose Pulumi.yaml the user edited", function () {
  this.timeout(60000);
  let dir: string;
  beforeEach(() => (dir = projectCopy()));
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  const genConfig = async () => {
    const r = await runProcess("npm", ["run", "-s", "gen:config"], { cwd: dir });
    assert.strictEqual(r.status, 0, r.stderr);
  };

  it("keeps an app added to the apps default, and a comment, byte for byte", async () => {
    const file = path.join(dir, "Pulumi.yaml");
    const doc = parseDocument(fs.readFileSync(file, "utf8"));
    const apps = doc.getIn(["config", "apps", "default"]) as { add(v: unknown): void };
    apps.add(doc.createNode({ name: "payments", image: "example/payments:1", port: 8080 }));
    const edited = `${doc.toString({ lineWidth: 110, minContentWidth: 40 })}# our note\n`;
    fs.writeFileSync(file, edited);
    await genConfig();
    const after = fs.readFileSync(file, "utf8");
    assert.match(after, /- name: payments\n {8}image: example\/payments:1\n {8}port: 8080\n/);
    assert.match(after, /# our note\n$/);
    await genConfig();
    assert.strictEqual(fs.readFileSync(file, "utf8"), after, "a second run changes nothing");
  });

  it("puts back a declaration's description the user changed, and keeps the value beside it", async () => {
    const file = path.join(dir, "Pulumi.yaml");
    const doc = parseDocument(fs.readFileSync(file, "utf8"));
    doc.setIn(["config", "waypoints", "description"], "edited");
    doc.setIn(["config", "waypoints", "default"], false);
    fs.writeFileSync(file, doc.toString());
    await genConfig();
    const after = parseDocument(fs.readFileSync(file, "utf8")).toJS() as { config: Record<string, any> };
    assert.notStrictEqual(after.config.waypoints.description, "edited");
    assert.strictEqual(after.config.waypoints.default, false);
  });
});
