// The tests' temporary directory (.mocharc.json loads this first): on Linux, a directory in /dev/shm (RAM) rather
// than /tmp. The tests create and remove thousands of small files there (projects, rendered trees, kubectl's scratch
// trees); on a disk-backed /tmp, such as this project's CI machines' ext4 mounted with `discard`, that costs about
// a tenth of the suite's time. Mode 1777 like /tmp, since some tests run a render as another user. TMPDIR stays as
// it is where /dev/shm is missing, where the directory is not a plain one of ours, where a program written there
// cannot run (the tests run the scripts they write: a fake kubectl, curl; Docker mounts /dev/shm noexec), or where
// it has less than 256 MiB free (Docker's is 64 MiB). MESH_LAB_TEST_TMPDIR overrides it (empty: leave TMPDIR alone).
// A test run that is killed leaves its files there until the next reboot.
"use strict";
const { spawnSync } = require("child_process");
const fs = require("fs");
const path = require("path");

const MIN_FREE_BYTES = 256 * 1024 * 1024;

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
    return usable(dir) ? dir : undefined;
  } catch {
    return undefined;
  }
}

/** True when `dir` has room and a script written there runs. */
function usable(dir) {
  const { bavail, bsize } = fs.statfsSync(dir);
  if (bavail * bsize < MIN_FREE_BYTES) return false;
  const probe = path.join(dir, `.exec-probe-${process.pid}`);
  try {
    fs.writeFileSync(probe, "#!/bin/sh\nexit 0\n", { mode: 0o755 });
    return spawnSync(probe, [], { stdio: "ignore" }).status === 0;
  } finally {
    fs.rmSync(probe, { force: true });
  }
}

const chosen = process.env.MESH_LAB_TEST_TMPDIR ?? ramTempDir();
if (chosen) process.env.TMPDIR = chosen;

module.exports = { ramTempDir };
