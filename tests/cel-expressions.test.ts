import * as assert from "assert";
import { checkTagExpression, TagCheck } from "../envoy-cel/check-expression";
import { ENVOY_ATTRIBUTES, ENVOY_ATTRIBUTES_DOC } from "../envoy-cel/envoy-attributes";
import { celEnvironment } from "../envoy-cel/environment";
import { tagExpressionProblem } from "../config/tag-expression-problem";

const SCALAR_RULE = "a tag value must be a scalar (string, int, uint, double, bool, bytes, duration or timestamp)";
const CALLER_NAMESPACE =
  "filter_state.downstream_peer.namespace (string: the caller's namespace; the standard label source_workload_namespace already carries it)";

const CEL_SPEC = "https://github.com/google/cel-spec/blob/master/doc/langdef.md";
const ROOTS = "request, response, source, destination, connection, upstream, xds, filter_state";
const MATCHING_TYPES = (op: string) =>
  `both sides of "${op}" need matching types; convert one with int(), uint(), double(), string(), duration() or timestamp()`;
const MIXED_BRANCHES = "make both branches the same type, e.g. wrap one in string()";

const ok = (type: string): TagCheck => ({ ok: true, type });
const failure = (
  kind: string,
  start: number,
  end: number,
  line: number,
  column: number,
  message: string,
  fix: string,
) => ({ ok: false, kind, start, end, line, column, message, fix }) as TagCheck;

describe("tag expressions, checked as Envoy evaluates them", () => {
  describe("the workshop's three REQUEST_COUNT tags", () => {
    it("error_type passes and yields a string", () => {
      assert.deepStrictEqual(
        checkTagExpression("response.code >= 500 ? 'server_error' : (response.code >= 400 ? 'client_error' : 'none')"),
        ok("string"),
      );
    });

    it("slow_request fails on the unknown attribute response.duration, and the fix goes on to the duration form", () => {
      assert.deepStrictEqual(
        checkTagExpression("response.duration > 1000 ? 'true' : 'false'"),
        failure(
          "attribute",
          0,
          17,
          1,
          1,
          "response.duration is not an Envoy attribute",
          `did you mean request.duration (duration: total duration of the request)? With it, ">" is not defined for duration and int; ` +
            "write the number as a duration: request.duration > duration('1s') ? 'true' : 'false' (1000 read as milliseconds)",
        ),
      );
    });

    it("source_namespace fails to parse at the Mixer pipe, and the fix is the has() form over the attribute meant", () => {
      assert.deepStrictEqual(
        checkTagExpression("source.namespace | 'unknown'"),
        failure(
          "parse",
          17,
          18,
          1,
          18,
          `"|" is not a CEL operator`,
          `"x | y" is Mixer syntax; CEL writes a fallback as has(x) ? x : y. source.namespace is not an Envoy attribute either: ` +
            `did you mean ${CALLER_NAMESPACE}? ` +
            "Together: has(filter_state.downstream_peer.namespace) ? filter_state.downstream_peer.namespace : 'unknown'",
        ),
      );
    });

    it("the fixes they suggest pass", () => {
      assert.deepStrictEqual(checkTagExpression("request.duration > duration('1s') ? 'true' : 'false'"), ok("string"));
      assert.deepStrictEqual(
        checkTagExpression(
          "has(filter_state.downstream_peer.namespace) ? filter_state.downstream_peer.namespace : 'unknown'",
        ),
        ok("string"),
      );
    });
  });

  // Every attribute root, every attribute type, valid and invalid.
  const table: [string, TagCheck][] = [
    // request.*: duration, timestamp, map, int
    ["request.duration > duration('1s') ? 'slow' : 'fast'", ok("string")],
    ["string(request.duration)", ok("string")],
    ["request.time", ok("timestamp")],
    ["request.time.getHours() >= 22 ? 'night' : 'day'", ok("string")],
    ["request.headers['x-tenant']", ok("string")],
    // response.*: int, duration
    ["response.grpc_status", ok("int")],
    ["response.flags > 0 ? 'flagged' : 'clean'", ok("string")],
    ["response.backend_latency", ok("duration")],
    // connection.*: uint, bool
    ["connection.id > 10u ? 'many' : 'few'", ok("string")],
    ["connection.mtls", ok("bool")],
    // upstream.*: uint, nested message
    ["upstream.num_endpoints", ok("uint")],
    ["upstream.locality.region", ok("string")],
    // source.* / destination.*: address and port only
    ["source.address + ':' + string(source.port)", ok("string")],
    ["destination.port", ok("int")],
    // xds.*
    ["xds.cluster_name", ok("string")],
    ["xds.listener_direction == 1 ? 'inbound' : 'outbound'", ok("string")],
    // Istio's peer metadata
    ["has(filter_state.downstream_peer.namespace) ? filter_state.downstream_peer.namespace : 'unknown'", ok("string")],
    ["filter_state.upstream_peer.labels['app']", ok("string")],

    // unknown attributes, with the nearest real one
    [
      "request.durration > duration('1s')",
      failure(
        "attribute",
        0,
        17,
        1,
        1,
        "request.durration is not an Envoy attribute",
        "did you mean request.duration (duration: total duration of the request)? Fixed: request.duration > duration('1s')",
      ),
    ],
    [
      "response.cod >= 500",
      failure(
        "attribute",
        0,
        12,
        1,
        1,
        "response.cod is not an Envoy attribute",
        "did you mean response.code (int: HTTP status code)? Fixed: response.code >= 500",
      ),
    ],
    [
      "srce.address",
      failure(
        "attribute",
        0,
        12,
        1,
        1,
        "srce.address is not an Envoy attribute",
        "did you mean source.address (string: downstream connection remote address)?",
      ),
    ],
    [
      "destination.service",
      failure(
        "attribute",
        0,
        19,
        1,
        1,
        "destination.service is not an Envoy attribute",
        "did you mean filter_state.upstream_peer.service (string: the callee's canonical service; the standard label destination_canonical_service already carries it)?",
      ),
    ],
    [
      "filter_state.downstream_peer.namespce",
      failure(
        "attribute",
        0,
        37,
        1,
        1,
        "filter_state.downstream_peer.namespce is not an Envoy attribute",
        `did you mean ${CALLER_NAMESPACE}?`,
      ),
    ],
    // cel-js's own checker lets an unknown field through inside has(): the test would be always false
    [
      "has(source.namespace) ? 'a' : 'b'",
      failure(
        "attribute",
        4,
        20,
        1,
        5,
        "source.namespace is not an Envoy attribute",
        `did you mean ${CALLER_NAMESPACE}? Fixed: has(filter_state.downstream_peer.namespace) ? 'a' : 'b'`,
      ),
    ],
    [
      "upstream.bogus",
      failure(
        "attribute",
        0,
        14,
        1,
        1,
        "upstream.bogus is not an Envoy attribute",
        "upstream has address, port, num_endpoints, local_address, tls_version, subject_local_certificate, subject_peer_certificate, " +
          "dns_san_local_certificate, dns_san_peer_certificate, uri_san_local_certificate, uri_san_peer_certificate, " +
          `sha256_peer_certificate_digest, peer_certificate, transport_failure_reason, request_attempt_count, cx_pool_ready_duration, locality (${ENVOY_ATTRIBUTES_DOC})`,
      ),
    ],
    [
      "'a' + srcc.address",
      failure(
        "attribute",
        6,
        18,
        1,
        7,
        "srcc.address is not an Envoy attribute",
        "did you mean source.address (string: downstream connection remote address)? Fixed: 'a' + source.address",
      ),
    ],
    [
      "zzzz.duration",
      failure(
        "attribute",
        0,
        13,
        1,
        1,
        "zzzz.duration is not an Envoy attribute",
        `the attribute roots are ${ROOTS} (${ENVOY_ATTRIBUTES_DOC})`,
      ),
    ],
    // A selection on a computed message: cel-js's checker finds it (no_such_key), the walk cannot name the message.
    [
      "(true ? request : request).durration",
      failure(
        "attribute",
        27,
        36,
        1,
        28,
        "durration is not an Envoy attribute",
        `the attribute roots are ${ROOTS} (${ENVOY_ATTRIBUTES_DOC})`,
      ),
    ],
    [
      "request.size > 1000 &&\nresponse.cod >= 500",
      failure(
        "attribute",
        23,
        35,
        2,
        1,
        "response.cod is not an Envoy attribute",
        "did you mean response.code (int: HTTP status code)? Fixed: request.size > 1000 &&\nresponse.code >= 500",
      ),
    ],

    // type mismatches, with the form that fits
    [
      "request.duration > 1000",
      failure(
        "type",
        0,
        23,
        1,
        1,
        `">" is not defined for duration and int`,
        "write the number as a duration: request.duration > duration('1s') (1000 read as milliseconds)",
      ),
    ],
    [
      "request.duration < 250",
      failure(
        "type",
        0,
        22,
        1,
        1,
        `"<" is not defined for duration and int`,
        "write the number as a duration: request.duration < duration('250ms') (250 read as milliseconds)",
      ),
    ],
    [
      "request.time > 1000",
      failure(
        "type",
        0,
        19,
        1,
        1,
        `">" is not defined for timestamp and int`,
        "compare a timestamp with a timestamp, e.g. request.time > timestamp('2025-01-01T00:00:00Z'), or use a part of it such as request.time.getHours()",
      ),
    ],
    [
      "connection.id == 1",
      failure(
        "type",
        0,
        18,
        1,
        1,
        `"==" is not defined for uint and int`,
        "write the number as a uint (Envoy does not convert int to uint): connection.id == 1u",
      ),
    ],
    [
      "has(response.code) ? response.code : 'unknown'",
      failure(
        "type",
        0,
        46,
        1,
        1,
        `the branches of "?:" have different types, int and string`,
        "convert the other branch to a string: has(response.code) ? string(response.code) : 'unknown'",
      ),
    ],
    [
      "source.address || 'unknown'",
      failure(
        "type",
        0,
        27,
        1,
        1,
        `"||" needs bool operands, got string`,
        `"||" is a logical or, not a fallback; a fallback is written has(x) ? x : 'unknown'`,
      ),
    ],
    [
      "5 < request.duration",
      failure(
        "type",
        0,
        20,
        1,
        1,
        `"<" is not defined for int and duration`,
        "write the number as a duration: duration('5ms') < request.duration (5 read as milliseconds)",
      ),
    ],
    [
      "request.duration > 1.5",
      failure(
        "type",
        0,
        22,
        1,
        1,
        `">" is not defined for duration and double`,
        "write the number as a duration: request.duration > duration('1.5ms') (1.5 read as milliseconds)",
      ),
    ],
    [
      "request.duration > request.size",
      failure(
        "type",
        0,
        31,
        1,
        1,
        `">" is not defined for duration and int`,
        "compare a duration with a duration, e.g. request.duration > duration('1s')",
      ),
    ],
    [
      "string(request.duration * 2)",
      failure("type", 7, 27, 1, 8, `"*" is not defined for duration and int`, MATCHING_TYPES("*")),
    ],
    [
      "string(1 + upstream.request_attempt_count)",
      failure(
        "type",
        7,
        41,
        1,
        8,
        `"+" is not defined for int and uint`,
        "write the number as a uint (Envoy does not convert int to uint): string(1u + upstream.request_attempt_count)",
      ),
    ],
    [
      "string(upstream.num_endpoints + response.code)",
      failure(
        "type",
        7,
        45,
        1,
        8,
        `"+" is not defined for uint and int`,
        "convert one side, e.g. uint(response.code) (Envoy does not convert int to uint)",
      ),
    ],
    [
      "string(upstream.num_endpoints + 1.5)",
      failure("type", 7, 35, 1, 8, `"+" is not defined for uint and double`, MATCHING_TYPES("+")),
    ],
    [
      "request.path == 5",
      failure(
        "type",
        0,
        17,
        1,
        1,
        `"==" is not defined for string and int`,
        "convert one side: string(5) or int(request.path)",
      ),
    ],
    [
      "5 == request.path",
      failure(
        "type",
        0,
        17,
        1,
        1,
        `"==" is not defined for int and string`,
        "convert one side: string(5) or int(request.path)",
      ),
    ],
    [
      "request.headers + 1",
      failure("type", 0, 19, 1, 1, `"+" is not defined for map<string, string> and int`, MATCHING_TYPES("+")),
    ],
    [
      "-request.path",
      failure("type", 0, 13, 1, 1, `"-" is not defined for string`, `apply "-" to a type that has it (${CEL_SPEC})`),
    ],
    [
      "!request.path",
      failure("type", 0, 13, 1, 1, `"!" is not defined for string`, `apply "!" to a type that has it (${CEL_SPEC})`),
    ],
    [
      "response.code > 400 ? 'x' : 1",
      failure(
        "type",
        0,
        29,
        1,
        1,
        `the branches of "?:" have different types, string and int`,
        "convert the other branch to a string: response.code > 400 ? 'x' : string(1)",
      ),
    ],
    [
      "response.code > 400 ? 1 : 'x'",
      failure(
        "type",
        0,
        29,
        1,
        1,
        `the branches of "?:" have different types, int and string`,
        "convert the other branch to a string: response.code > 400 ? string(1) : 'x'",
      ),
    ],
    [
      "response.code > 400 ? 1 : 2.0",
      failure("type", 0, 29, 1, 1, `the branches of "?:" have different types, int and double`, MIXED_BRANCHES),
    ],
    [
      "response.code > 400 ? request.headers : 'x'",
      failure(
        "type",
        0,
        43,
        1,
        1,
        `the branches of "?:" have different types, map<string, string> and string`,
        MIXED_BRANCHES,
      ),
    ],
    [
      "request.path && true",
      failure(
        "type",
        0,
        20,
        1,
        1,
        `"&&" needs bool operands, got string`,
        "compare the value to get a bool, e.g. x == 'value'",
      ),
    ],
    [
      "size(1)",
      failure(
        "type",
        0,
        7,
        1,
        1,
        "no function size(int)",
        `use a CEL standard function with these argument types (${CEL_SPEC})`,
      ),
    ],
    [
      "request.path.foo()",
      failure(
        "type",
        0,
        18,
        1,
        1,
        "no function string.foo()",
        `use a CEL standard function with these argument types (${CEL_SPEC})`,
      ),
    ],
    [
      "request.path[0]",
      failure("type", 0, 15, 1, 1, "Cannot index type 'string'", `see the CEL language definition (${CEL_SPEC})`),
    ],

    // results that are not scalars
    [
      "request.headers",
      failure(
        "result",
        0,
        15,
        1,
        1,
        `the expression yields map<string, string>, and ${SCALAR_RULE}`,
        "select one entry, e.g. request.headers['key']",
      ),
    ],
    [
      "filter_state.downstream_peer",
      failure(
        "result",
        0,
        28,
        1,
        1,
        `the expression yields message filter_state.downstream_peer, and ${SCALAR_RULE}`,
        "select one of its fields (namespace, workload, cluster, service, revision, app, version, name, type, identity, region, availability_zone, labels), e.g. filter_state.downstream_peer.namespace",
      ),
    ],
    [
      "xds.node.metadata['NAMESPACE']",
      failure(
        "result",
        0,
        30,
        1,
        1,
        `the expression yields dyn, and ${SCALAR_RULE}`,
        "convert it: string(xds.node.metadata['NAMESPACE'])",
      ),
    ],
    [
      " request.headers ",
      failure(
        "result",
        1,
        16,
        1,
        2,
        `the expression yields map<string, string>, and ${SCALAR_RULE}`,
        "select one entry, e.g. request.headers['key']",
      ),
    ],
    [
      "[request.path]",
      failure(
        "result",
        0,
        14,
        1,
        1,
        `the expression yields list<string>, and ${SCALAR_RULE}`,
        "select one element, e.g. [request.path][0], or join them: [request.path].join(',')",
      ),
    ],
    [
      "null",
      failure(
        "result",
        0,
        4,
        1,
        1,
        `the expression yields null, and ${SCALAR_RULE}`,
        "make it yield a string, number or bool",
      ),
    ],
    [
      "type(1)",
      failure(
        "result",
        0,
        7,
        1,
        1,
        `the expression yields type, and ${SCALAR_RULE}`,
        "make it yield a string, number or bool",
      ),
    ],

    // run-time failures found now, and plain syntax errors
    [
      "request.duration > duration('1x')",
      failure(
        "literal",
        19,
        33,
        1,
        20,
        "duration('1x') fails when Envoy evaluates it (Invalid duration string: 1x)",
        "write a duration with its unit: '1s', '250ms', '1m30s'",
      ),
    ],
    [
      "request.time > timestamp('x') ? 'a' : 'b'",
      failure(
        "literal",
        15,
        29,
        1,
        16,
        "timestamp('x') fails when Envoy evaluates it (timestamp() requires a string in ISO 8601 format)",
        "write a timestamp in RFC 3339: '2025-01-01T00:00:00Z'",
      ),
    ],
    [
      "request.size >",
      failure(
        "parse",
        14,
        15,
        1,
        15,
        "syntax error: Unexpected token: EOF",
        "write CEL: strings in quotes, && || ! for logic, c ? a : b to choose (https://github.com/google/cel-spec/blob/master/doc/langdef.md)",
      ),
    ],
  ];
  for (const [expr, expected] of table) {
    it(`${JSON.stringify(expr)} -> ${expected.ok ? expected.type : expected.kind}`, () =>
      assert.deepStrictEqual(checkTagExpression(expr), expected));
  }

  it("knows every attribute of the table, with its declared type", () => {
    for (const a of ENVOY_ATTRIBUTES) {
      const result = checkTagExpression(`${a.root}.${a.name}`);
      if (a.type.startsWith("map<")) assert.strictEqual(!result.ok && result.kind, "result", `${a.root}.${a.name}`);
      else assert.deepStrictEqual(result, ok(a.type), `${a.root}.${a.name}`);
    }
  });

  it("compiles the environment once and shares it", () => {
    assert.strictEqual(celEnvironment(), celEnvironment());
  });

  it("renders a problem with the key, metric, tag, the expression, a caret under the failing part, and the fix", () => {
    assert.strictEqual(
      tagExpressionProblem(
        "mesh-lab:telemetry.overrides[0].tagOverrides.t.value",
        "REQUEST_COUNT",
        "t",
        "request.size > 1000 &&\nresponse.cod >= 500",
      ),
      [
        'key "mesh-lab:telemetry.overrides[0].tagOverrides.t.value" (metric REQUEST_COUNT, tag t): unknown attribute at line 2, column 1: response.cod is not an Envoy attribute',
        "      request.size > 1000 &&",
        "      response.cod >= 500",
        "      ^~~~~~~~~~~~",
        "    fix: did you mean response.code (int: HTTP status code)? Fixed: request.size > 1000 &&",
        "         response.code >= 500",
      ].join("\n"),
    );
    assert.strictEqual(tagExpressionProblem("k", "REQUEST_COUNT", "t", "response.code"), undefined);
  });
});
