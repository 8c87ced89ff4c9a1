import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { stackFileProblems } from "../config/stack-file-checks";
import { secretConfigProblems } from "../config/secret-config";
import { readStackInputs } from "../config/pulumi-config";
import { ConfigError } from "../config/problems";
import { loadStackConfig } from "../config/project-files";
import { renderCli, tempProject } from "./support/render-project";
import { withConfig } from "./support/stacks";

// Threat-model boundary "stack files", as text: what Go's YAML (the Pulumi CLI, kubectl) and this render
// would read differently, and secrets where they must not be. Every row is the text of a real stack file.
const HEAD = "config:\n  mesh-lab:kubeContext: k3d-cluster-1\n  mesh-lab:clusterName: cluster-1\n";
const apps = (arg: string, interval: string) => `  mesh-lab:apps:
    - name: accounts
      image: hashicorp/http-echo:1.0
      args: ["-text=accounts", ${arg}]
      port: 8080
      allowFrom: [finance]
    - name: finance
      image: curlimages/curl:8.11.1
      calls: [accounts]
      callIntervalSeconds: ${interval}
`;
const NET = "  mesh-lab:network: network1\n";
const ok = apps('"-listen=:8080"', "5");

const rows: [string, string, string][] = [
  [
    "an octal-looking interval (Go reads 8, YAML 1.2 reads 10)",
    HEAD + NET + apps('"-listen=:8080"', "010"),
    `key "mesh-lab:apps[1].callIntervalSeconds" is 010 unquoted, which YAML 1.1 (Go's yaml, kubectl) reads as 8 and YAML 1.2 as 10; quote it ("010") if you mean the text, or write the number plainly`,
  ],
  [
    "a signed 0o octal arg (Go reads -15, the render text)",
    HEAD + NET + apps("-0o17", "5"),
    `key "mesh-lab:apps[0].args[1]" is -0o17 unquoted, which Go's yaml (the Pulumi CLI) reads as a number and this render as text; quote it ("-0o17") if you mean the text, or write the number plainly`,
  ],
  [
    "a 0o octal interval (YAML 1.1 reads text)",
    HEAD + NET + apps('"-listen=:8080"', "0o17"),
    `key "mesh-lab:apps[1].callIntervalSeconds" is 0o17 unquoted, which YAML 1.1 reads as the string "0o17" and YAML 1.2 as the number 15; quote it ("0o17") if you mean the text, or write the number plainly`,
  ],
  [
    "a hex interval",
    HEAD + NET + apps('"-listen=:8080"', "0x1F"),
    `key "mesh-lab:apps[1].callIntervalSeconds" is 0x1F unquoted, which is read as the number 31, not as written; quote it ("0x1F") if you mean the text, or write the number plainly`,
  ],
  [
    "a YAML 1.1 boolean word",
    HEAD + NET + "  mesh-lab:waypoints: on\n" + ok,
    `key "mesh-lab:waypoints" is on unquoted, which YAML 1.1 reads as the boolean true and YAML 1.2 as the string "on"; write true or false for a boolean, or quote it ("on") for the text`,
  ],
  [
    "digits with underscores",
    HEAD + NET + apps('"-listen=:8080"', "1_000"),
    `key "mesh-lab:apps[1].callIntervalSeconds" is 1_000 unquoted, which YAML 1.1 reads as the number 1000 and YAML 1.2 as the string "1_000"; quote it ("1_000") if you mean the text, or write the number plainly`,
  ],
  [
    "a sexagesimal arg",
    HEAD + NET + apps("1:20", "5"),
    `key "mesh-lab:apps[0].args[1]" is 1:20 unquoted, which YAML 1.1 reads as the number 80 and YAML 1.2 as the string "1:20"; quote it ("1:20") if you mean the text, or write the number plainly`,
  ],
  [
    "a network that YAML reads as 1.1",
    HEAD + "  mesh-lab:network: 1.10\n" + ok,
    `key "mesh-lab:network" is 1.10 unquoted, which is read as the number 1.1, not as written; quote it ("1.10") if you mean the text, or write the number plainly`,
  ],
  [
    "a U+2028 line separator in an arg",
    HEAD + NET + apps('"-text=a\\u2028b"', "5"),
    `key "mesh-lab:apps[0].args[1]" contains the control or separator character U+2028; expected printable text (kubectl kustomize and YAML 1.1 readers break on it)`,
  ],
  [
    "a NEL (U+0085) in an arg",
    HEAD + NET + apps('"-text=a\\x85b"', "5"),
    `key "mesh-lab:apps[0].args[1]" contains the control or separator character U+0085; expected printable text (kubectl kustomize and YAML 1.1 readers break on it)`,
  ],
  [
    "an escape character in a network",
    HEAD + '  mesh-lab:network: "net\\e[31m"\n' + ok,
    `key "mesh-lab:network" contains the control or separator character U+001B; expected printable text (kubectl kustomize and YAML 1.1 readers break on it)`,
  ],
  [
    "a plain-text kubeconfig",
    HEAD +
      NET +
      "  mesh-lab:kubeconfig: |\n    apiVersion: v1\n    users: [{name: admin, user: {token: SECRET}}]\n" +
      ok,
    `key "mesh-lab:kubeconfig" is set in plain text; expected a secure: value (pulumi config set --secret mesh-lab:kubeconfig ...): it holds credentials, and mesh-lab reads it only as a secret`,
  ],
  [
    "a secure: value inside apps",
    HEAD + NET + apps("{secure: AAABADxSECRET}", "5"),
    `key "mesh-lab:apps[0].args[1]" is a secure: value; expected plain text: mesh-lab:apps is written to gitops/ (Git) and into the cluster's objects in clear, so no secret can go there`,
  ],
  [
    "a secure: value inside telemetry",
    HEAD + NET + ok + "  mesh-lab:telemetry:\n    metricsProvider: {secure: AAABSECRET}\n",
    `key "mesh-lab:telemetry.metricsProvider" is a secure: value; expected plain text: mesh-lab:telemetry is written to gitops/ (Git) and into the cluster's objects in clear, so no secret can go there`,
  ],
];

describe(`stack files read one way (${rows.length} rows)`, () => {
  for (const [what, text, problem] of rows) {
    it(`${what}: refused naming the key, nothing written, no secret printed`, async () => {
      assert.deepStrictEqual(stackFileProblems("mesh-lab", text, ["mesh-lab:kubeconfig"]), [problem]);
      const dir = tempProject();
      try {
        fs.writeFileSync(path.join(dir, "Pulumi.cluster-1.yaml"), text);
        const result = await renderCli(dir);
        assert.strictEqual(result.code, 2, result.stderr);
        assert.ok(result.stderr.includes(`stack "cluster-1": ${problem}`), result.stderr);
        assert.strictEqual(result.stderr.split(problem).length - 1, 1, `said once: ${result.stderr}`);
        // As check:telemetry and the cross-stack reader get it: each problem once there too.
        assert.throws(
          () => loadStackConfig(dir, "cluster-1"),
          (e: unknown) => e instanceof ConfigError && e.problems.filter((p) => p === problem).length === 1,
        );
        assert.doesNotMatch(result.stderr, /SECRET/);
        assert.strictEqual(fs.existsSync(path.join(dir, "gitops")), false);
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    });
  }

  it("qualifies a key written without its namespace by the project's name, and leaves a syntax error to the caller's parse", () => {
    assert.deepStrictEqual(stackFileProblems("mesh-lab", "config:\n  waypoints: on\n  other:waypoints: on\n", []), [
      `key "mesh-lab:waypoints" is on unquoted, which YAML 1.1 reads as the boolean true and YAML 1.2 as the string "on"; write true or false for a boolean, or quote it ("on") for the text`,
      `key "other:waypoints" is on unquoted, which YAML 1.1 reads as the boolean true and YAML 1.2 as the string "on"; write true or false for a boolean, or quote it ("on") for the text`,
    ]);
    assert.deepStrictEqual(stackFileProblems("mesh-lab", "config:\n  waypoints: [on\n", []), []);
  });

  it("lists a stack file's problems with the stack's other problems, and what an ambiguous key expects", async () => {
    // Ambiguous words for a string, a boolean and a choice, and a bad interval elsewhere in the same file.
    const text =
      "config:\n  mesh-lab:kubeContext: yes\n  mesh-lab:clusterName: cluster-1\n  mesh-lab:waypoints: yes\n" +
      "  mesh-lab:observability: {deploy: off}\n" +
      NET +
      apps('"-listen=:8080"', "0");
    const dir = tempProject();
    try {
      fs.writeFileSync(path.join(dir, "Pulumi.cluster-1.yaml"), text);
      const result = await renderCli(dir);
      assert.strictEqual(result.code, 2, result.stderr);
      const problems = result.stderr.split("\n").filter((l) => l.includes('key "mesh-lab:'));
      const ambiguous = (key: string, word: string) =>
        `key "${key}" is ${word} unquoted, which YAML 1.1 reads as the boolean ${word === "off" ? "false" : "true"} and YAML 1.2 as the string "${word}"; write true or false for a boolean, or quote it ("${word}") for the text`;
      assert.deepStrictEqual(
        problems.map((l) => l.replace(/^ {2}- stack "cluster-1": /, "")),
        [
          ambiguous("mesh-lab:kubeContext", "yes"),
          ambiguous("mesh-lab:waypoints", "yes"),
          ambiguous("mesh-lab:observability.deploy", "off"),
          'key "mesh-lab:waypoints" is "yes"; expected true or false',
          'key "mesh-lab:apps[1].callIntervalSeconds" is 0; expected an integer 1-3600',
          'key "mesh-lab:observability.deploy" is "off"; expected one of none, dashboards, rules, all',
        ],
        result.stderr,
      );
      assert.strictEqual(fs.existsSync(path.join(dir, "gitops")), false);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it("never quotes a secret back, and lets a secure: value inside apps hide no other problem of apps", async () => {
    // A plain-text kubeconfig that would also be an ambiguous number, a secure: value inside apps[0], and a bad
    // interval in apps[1].
    const text = HEAD + NET + "  mesh-lab:kubeconfig: 0x5EC2E7\n" + apps("{secure: v1:AAABSECRET}", "0");
    const dir = tempProject();
    try {
      fs.writeFileSync(path.join(dir, "Pulumi.cluster-1.yaml"), text);
      const result = await renderCli(dir);
      assert.strictEqual(result.code, 2, result.stderr);
      assert.doesNotMatch(result.stderr, /SECRET|0x5EC2E7/);
      assert.deepStrictEqual(
        result.stderr.split("\n").flatMap((l) => /key "([^"]+)" (is \S+)/.exec(l)?.slice(1, 3).join(" ") ?? []),
        ["mesh-lab:kubeconfig is set", "mesh-lab:apps[0].args[1] is a", "mesh-lab:apps[1].callIntervalSeconds is 0;"],
        result.stderr,
      );
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it("accepts what every reader reads alike: quoted text, plain decimal numbers, a secure kubeconfig", () => {
    const text =
      HEAD +
      '  mesh-lab:network: "1.10"\n  mesh-lab:kubeconfig: {secure: AAAB}\n  mesh-lab:waypoints: false\n' +
      apps('"-0o17"', "30");
    assert.deepStrictEqual(stackFileProblems("mesh-lab", text, ["mesh-lab:kubeconfig"]), []);
  });
});

describe("secrets as the Pulumi CLI hands them to the program", () => {
  const run = (changes: Record<string, unknown>, secretKeys: string[]) => {
    pulumi.runtime.setAllConfig({ ...withConfig("cluster-1", changes) }, secretKeys);
    try {
      return readStackInputs();
    } finally {
      pulumi.runtime.setAllConfig({});
    }
  };
  const refused = (fn: () => unknown): string[] => {
    try {
      fn();
    } catch (e) {
      if (e instanceof ConfigError) return [...e.problems];
      throw e;
    }
    return [];
  };

  it("refuses a kubeconfig the CLI did not mark secret, without printing it", () => {
    const problems = refused(() => run({ kubeconfig: "token: SECRET" }, []));
    assert.deepStrictEqual(problems, [
      `key "mesh-lab:kubeconfig" is set in plain text; expected a secure: value (pulumi config set --secret mesh-lab:kubeconfig ...): it holds credentials`,
    ]);
  });

  it("accepts a kubeconfig the CLI marked secret", () => {
    assert.deepStrictEqual(
      refused(() => run({ kubeconfig: "token: x" }, ["mesh-lab:kubeconfig"])),
      [],
    );
  });

  it("refuses apps that hold a secure: value (the CLI marks the whole key secret)", () => {
    assert.deepStrictEqual(
      secretConfigProblems({ "mesh-lab:apps": "[]" }, (k) => k === "mesh-lab:apps"),
      [
        `key "mesh-lab:apps" holds a secure: value; expected plain text: mesh-lab:apps is written to gitops/ (Git) and into the cluster's objects in clear, so no secret can go there`,
      ],
    );
    assert.strictEqual(refused(() => run({}, ["mesh-lab:apps"])).length, 1);
    // A key that is not set holds nothing, whatever the secret keys say.
    assert.deepStrictEqual(
      secretConfigProblems({}, () => true),
      [],
    );
  });
});
