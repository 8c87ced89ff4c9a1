// Preloaded (node --require) when /usr/bin/time is missing: appends this process's peak RSS in KB on exit.
"use strict";
const fs = require("fs");
process.on("exit", () => {
  const file = process.env.MESH_LAB_BENCH_RSS_FILE;
  if (file) fs.appendFileSync(file, `${process.resourceUsage().maxRSS}\n`);
});
