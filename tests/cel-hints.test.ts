import * as assert from "assert";
import { lookupAttribute } from "../envoy-cel/attribute-tree";
import { describeAttribute, fieldList, suggestAttribute } from "../envoy-cel/hints";

describe("envoy-cel/hints: the attribute a user most likely meant", () => {
  const suggest = (path: string) => suggestAttribute(path)?.path;

  it("under a known root: a typo of a field, at any depth", () => {
    assert.strictEqual(suggest("request.durration"), "request.duration");
    assert.strictEqual(suggest("request.headers_byte"), "request.headers_bytes");
    assert.strictEqual(suggest("upstream.locality.zon"), "upstream.locality.zone");
  });

  it("a workload field of source or destination: the field of that side's peer metadata", () => {
    assert.strictEqual(suggest("source.namespace"), "filter_state.downstream_peer.namespace");
    assert.strictEqual(suggest("destination.workload"), "filter_state.upstream_peer.workload");
  });

  it("the same name under another root, the root nearest in spelling first", () => {
    assert.strictEqual(suggest("response.duration"), "request.duration");
    assert.strictEqual(suggest("upstream.code"), "response.code");
    assert.strictEqual(suggest("connection.address"), "destination.address");
    assert.strictEqual(suggest("xds.address"), "source.address");
    assert.strictEqual(suggest("filter_state.address"), "upstream.address");
    assert.strictEqual(
      suggest("response.namespace"),
      "filter_state.downstream_peer.namespace",
      "a tie goes to the first in Envoy's table",
    );
  });

  it("under a misspelt root: the root fixed, then the rest fixed too", () => {
    assert.strictEqual(suggest("reqest.duration"), "request.duration");
    assert.strictEqual(suggest("reqest.durration"), "request.duration");
    assert.strictEqual(suggest("requst"), "request");
    assert.strictEqual(suggest("reqest.headers.foo"), "request.headers");
    assert.strictEqual(suggest("sourc.namespace"), "filter_state.downstream_peer.namespace");
  });

  it("nothing for a real attribute, a key under a map or a scalar, or a name near nothing", () => {
    for (const path of [
      "request",
      "request.duration",
      "upstream.locality",
      "request.headers.foo",
      "request.time.foo",
      "connection.foo",
      "zzzz.duration",
      "requst.xyz",
    ]) {
      assert.strictEqual(suggest(path), undefined, path);
    }
  });
});

describe("envoy-cel/hints: attributes in messages", () => {
  const at = (path: string) => lookupAttribute(path)!;

  it("describes a leaf by its type and meaning, and names the standard label that already carries it", () => {
    assert.strictEqual(
      describeAttribute(at("request.duration")),
      "request.duration (duration: total duration of the request)",
    );
    assert.strictEqual(
      describeAttribute(at("filter_state.downstream_peer.namespace")),
      "filter_state.downstream_peer.namespace (string: the caller's namespace; the standard label source_workload_namespace already carries it)",
    );
  });

  it("describes a message by its fields, and a leaf has none to list", () => {
    assert.strictEqual(
      describeAttribute(at("upstream.locality")),
      "upstream.locality (a message with region, zone, sub_zone)",
    );
    assert.strictEqual(fieldList(at("upstream.locality")), "region, zone, sub_zone");
    assert.strictEqual(fieldList(at("request.duration")), "");
  });
});
