// The tests' temporary directory (.mocharc.json loads this first): on Linux, a directory in /dev/shm (RAM) rather
// than /tmp. The tests create and remove thousands of small files there (projects, rendered trees, kubectl's scratch
// trees); on a disk-backed /tmp, such as this project's CI machines' ext4 mounted with `discard`, that costs about
// a tenth of the suite's time. Mode 1777 like /tmp, since some tests run a render as another user. Where /dev/shm
// is missing, or the directory is not a plain one of ours, TMPDIR stays as it is; MESH_LAB_TEST_TMPDIR overrides it
// (empty: leave TMPDIR alone). A test run that is killed leaves its files there until the next reboot.
"use strict";
const fs = require("fs");
const path = require("path");

/** The directory to use under `shm` (or undefined to keep TMPDIR), created if missing. */
function ramTempDir(shm = "/dev/shm", uid = process.getuid?.()) {
  if (uid === undefined) return undefined;
  const dir = path.join(shm, `mesh-lab-tests-${uid}`);
  try {
    fs.mkdirSync(dir, { mode: 0o700 });
  } catch (e) {
    if (e.code !== "EEXIST") return undefined;
  }
  try {
    const st = fs.lstatSync(dir);
    if (!st.isDirectory() || st.uid !== uid) return undefined;
    fs.chmodSync(dir, 0o1777);
    return dir;
  } catch {
    return undefined;
  }
}

const chosen = process.env.MESH_LAB_TEST_TMPDIR ?? ramTempDir();
if (chosen) process.env.TMPDIR = chosen;

module.exports = { ramTempDir };
