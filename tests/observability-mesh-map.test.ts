import { strict as assert } from "assert";
import { meshMap } from "../plan/observability/mesh-map";
import { observed } from "./support/observability";

describe("observability: the Mermaid mesh map of a cluster", () => {
  it("draws the default stack: accounts behind a waypoint and global, finance calling it as allowed", () => {
    assert.equal(
      meshMap(observed("cluster-1")),
      [
        "---",
        "title: cluster-1 (stack cluster-1, network network1)",
        "---",
        "flowchart LR",
        '  subgraph ns_accounts["namespace accounts"]',
        '    app_accounts["accounts<br/>serves · waypoint · global Service"]',
        "  end",
        '  subgraph ns_finance["namespace finance"]',
        '    app_finance["finance<br/>client"]',
        "  end",
        "  app_finance -->|calls| app_accounts",
        "  classDef waypoint stroke:#7b3fe4,stroke-width:3px",
        "  classDef global fill:#e8f4ff",
        "  class app_accounts waypoint",
        "  class app_accounts global",
        "",
      ].join("\n"),
    );
  });

  it("tells allowed-but-unused, used-and-allowed and used-but-denied edges apart, and marks the denied one red", () => {
    const apps = [
      {
        name: "ledger-api",
        namespace: "ledger",
        image: "nginx:1.27",
        port: 80,
        waypoint: true,
        allowFrom: ["finance", "audit"],
      },
      { name: "finance", image: "curlimages/curl:8.11.1", calls: ["ledger-api", "reports"] },
      { name: "audit", image: "curlimages/curl:8.11.1", calls: ["ledger-api"] },
      { name: "reports", image: "nginx:1.27", port: 80, global: true },
    ];
    const map = meshMap(observed("cluster-2", { config: { apps } }));
    const edges = map.split("\n").filter((l) => l.includes("-->") || l.includes("-.->") || l.startsWith("  linkStyle"));
    assert.deepEqual(edges, [
      "  app_audit -->|calls| app_ledger_api",
      "  app_finance -->|calls| app_ledger_api",
      "  app_finance -->|calls, denied| app_reports",
      "  linkStyle 2 stroke:#d32f2f,color:#d32f2f",
    ]);
    assert.match(map, /app_reports\["reports<br\/>serves · no waypoint: L4 policy only · global Service"\]/);
    assert.match(map, /subgraph ns_ledger\["namespace ledger"\]\n {4}app_ledger_api\[/);
  });

  it("draws an allowed namespace that does not call as a dotted edge", () => {
    const apps = [
      { name: "accounts", image: "nginx:1.27", port: 80, allowFrom: ["finance", "ops"] },
      { name: "finance", image: "curlimages/curl:8.11.1", calls: ["accounts"] },
      { name: "ops", image: "nginx:1.27", port: 8080 },
    ];
    assert.match(
      meshMap(observed("cluster-1", { config: { apps } })),
      /\n {2}app_finance -->\|calls\| app_accounts\n {2}app_ops -.->\|may call\| app_accounts\n/,
    );
  });

  it("sorts a caller's edges by callee, not by config order, and has no class line for what no app has", () => {
    const apps = [
      { name: "zeta", image: "nginx:1.27", port: 80, allowFrom: ["client"], waypoint: false },
      { name: "alpha", image: "nginx:1.27", port: 80, allowFrom: ["client"], waypoint: false },
      { name: "client", image: "curlimages/curl:8.11.1", calls: ["zeta", "alpha"] },
    ];
    const map = meshMap(observed("cluster-1", { config: { waypoints: false, apps } }));
    assert.deepEqual(map.split("\n").slice(-5), [
      "  app_client -->|calls| app_alpha",
      "  app_client -->|calls| app_zeta",
      "  classDef waypoint stroke:#7b3fe4,stroke-width:3px",
      "  classDef global fill:#e8f4ff",
      "",
    ]);
  });

  it("is deterministic whatever the order of allowFrom", () => {
    const apps = (allowFrom: string[]) => [
      { name: "accounts", image: "nginx:1.27", port: 80, allowFrom },
      { name: "b", image: "nginx:1.27", port: 80 },
      { name: "a", image: "nginx:1.27", port: 80 },
    ];
    assert.equal(
      meshMap(observed("cluster-1", { config: { apps: apps(["a", "b"]) } })),
      meshMap(observed("cluster-1", { config: { apps: apps(["b", "a"]) } })),
    );
  });
});
