import * as assert from "assert";
import { parseSettings } from "../config/parse-settings";
import { find, names, run, stackSettings, STACKS, T, withConfig } from "./support/stacks";

describe("telemetry", () => {
  for (const stack of STACKS) {
    it(`${stack}: deploys accounts-telemetry with the default tags Envoy can evaluate, and access logs`, async () => {
      const capture = await run(stackSettings(stack));
      assert.deepStrictEqual(names(capture, T.telemetry), ["accounts-telemetry"]);
      const t = find(capture, T.telemetry, "accounts-telemetry").inputs;
      assert.deepStrictEqual(t.metadata, { name: "accounts-telemetry", namespace: "accounts", labels: { "app.kubernetes.io/part-of": "mesh-lab" } });
      assert.deepStrictEqual(t.spec, {
        metrics: [
          {
            providers: [{ name: "prometheus" }],
            overrides: [
              {
                match: { metric: "REQUEST_COUNT", mode: "CLIENT_AND_SERVER" },
                tagOverrides: {
                  error_type: { operation: "UPSERT", value: "response.code >= 500 ? 'server_error' : (response.code >= 400 ? 'client_error' : 'none')" },
                  slow_request: { operation: "UPSERT", value: "request.duration > duration('1s') ? 'true' : 'false'" },
                },
              },
            ],
          },
        ],
        accessLogging: [{ providers: [{ name: "envoy" }] }],
      });
    });
  }

  it("takes the tag set from stack config, REMOVE entries without a value", async () => {
    const telemetry = {
      accessLogging: false,
      overrides: [{ match: { metric: "ALL_METRICS", mode: "SERVER" }, tagOverrides: { request_protocol: { operation: "REMOVE" } } }],
    };
    const capture = await run(parseSettings("cluster-1", withConfig("cluster-1", { telemetry })));
    assert.deepStrictEqual(find(capture, T.telemetry, "accounts-telemetry").inputs.spec, {
      metrics: [
        {
          providers: [{ name: "prometheus" }],
          overrides: [{ match: { metric: "ALL_METRICS", mode: "SERVER" }, tagOverrides: { request_protocol: { operation: "REMOVE" } } }],
        },
      ],
    });
  });
});
