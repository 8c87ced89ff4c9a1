// The bench's charts, drawn by vega-lite and vega's headless renderer (view.toSVG(), no browser or canvas).

/** One bar: a measured command's median wall time. */
export interface Bar {
  readonly group: string;
  readonly tool: string;
  readonly seconds: number;
}

// vega and vega-lite are ES modules only; under CommonJS `import()` would become require(), so use the native one.
const importEsm = new Function("specifier", "return import(specifier)") as (specifier: string) => Promise<Record<string, unknown>>;

/** A grouped bar chart as an SVG document: one group per x value, one coloured bar per tool. */
export async function barChartSvg(title: string, bars: readonly Bar[], opts: { logScale?: boolean } = {}): Promise<string> {
  const vegaLite = (await importEsm("vega-lite")) as { compile(spec: unknown): { spec: unknown } };
  const vega = (await importEsm("vega")) as {
    parse(spec: unknown): unknown;
    View: new (runtime: unknown, opts: { renderer: string }) => { toSVG(): Promise<string>; finalize(): void };
  };
  const groups = [...new Set(bars.map((b) => b.group))];
  const spec = {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    title,
    width: { step: 18 },
    height: 260,
    data: { values: bars.map((b) => ({ ...b, seconds: Number(b.seconds.toFixed(3)) })) },
    mark: { type: "bar", tooltip: true },
    encoding: {
      x: { field: "group", type: "nominal", sort: groups, title: null, axis: { labelAngle: -30 } },
      xOffset: { field: "tool", type: "nominal" },
      y: { field: "seconds", type: "quantitative", title: "median wall time (s)", ...(opts.logScale ? { scale: { type: "log", domainMin: 0.1 } } : {}) },
      // Bars on a log scale need a baseline above zero.
      ...(opts.logScale ? { y2: { datum: 0.1 } } : {}),
      color: { field: "tool", type: "nominal", title: null, legend: { orient: "top" } },
    },
    config: { font: "sans-serif", background: "white" },
  };
  const view = new vega.View(vega.parse(vegaLite.compile(spec).spec), { renderer: "none" });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}
