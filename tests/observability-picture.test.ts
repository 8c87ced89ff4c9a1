import { strict as assert } from "assert";
import * as fs from "fs";
import type * as dashboard from "@grafana/grafana-foundation-sdk/dashboard";
import { dashboardModel } from "../plan/observability/dashboard";
import { dashboardSvg } from "../scripts/dashboard-svg";
import { PICTURE, picture } from "../scripts/dashboard-picture";
import { observed } from "./support/observability";

describe("observability: the dashboard picture", () => {
  it("is current: docs/observability/dashboard.svg is what scripts/dashboard-picture.ts draws now", () => {
    assert.equal(fs.readFileSync(PICTURE, "utf8"), picture(), "stale: run npm run dashboard:picture");
  });

  it("draws every panel of the dashboard JSON, titled, at its grid position, the same way twice", () => {
    const d = dashboardModel(observed());
    const svg = dashboardSvg(d, "test");
    for (const p of d.panels ?? [])
      assert.ok(
        svg.includes(`>${(p as { title: string }).title.replace(/"/g, "&quot;")}</text>`),
        (p as { title: string }).title,
      );
    // Panel 2 sits at grid x=12, y=0: 16px margin + 12 x 52px + 4px gutter, below the 44px header.
    assert.match(svg, /<rect x="644" y="64" width="616" height="232" rx="3"/);
    assert.equal(dashboardSvg(d, "test"), svg);
    assert.match(svg, /^<svg xmlns="http:\/\/www.w3.org\/2000\/svg" width="1280" height="/);
  });

  it("follows the dashboard: a panel fewer in the JSON is a panel fewer in the picture", () => {
    const d = dashboardModel(observed());
    const fewer = { ...d, panels: d.panels!.slice(0, 4) };
    assert.equal((dashboardSvg(fewer, "t").match(/<g>/g) ?? []).length, 4);
    assert.equal((dashboardSvg(d, "t").match(/<g>/g) ?? []).length, 7);
  });

  it("escapes text for XML, draws untitled panels and dashboards empty, and names an unlabelled series by its number", () => {
    const d = dashboardModel(observed());
    const first = d.panels![0] as dashboard.Panel;
    const untitled: dashboard.Panel = {
      ...first,
      title: undefined,
      targets: first.targets?.map((t) => ({ ...t, legendFormat: undefined })),
    };
    const svg = dashboardSvg({ ...d, title: undefined, panels: [untitled] }, `A & <B> "c"`);
    assert.ok(svg.includes(`>A &amp; &lt;B&gt; &quot;c&quot;</text>`), "the caption, escaped");
    assert.match(svg, /font-size="18" font-weight="600"><\/text>/, "an untitled dashboard has an empty title");
    assert.match(svg, /font-size="12" font-weight="500"><\/text>/, "an untitled panel has an empty title");
    assert.ok(svg.includes(">series 1</text>"), "a target without a legend is series 1");
  });
});
