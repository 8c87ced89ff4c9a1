/**
 * A test hook: `MESH_LAB_RENDER_PAUSE=<point>` makes the writer print `paused at <point>` on stderr and block
 * when it reaches that point (`temp:<path>` after a temp file is written, `written:<n>` after the n-th file is
 * renamed into place), so a test can SIGKILL a real render there. Unset, it costs a string comparison.
 */
export function pauseAt(point: string): void {
  if (process.env.MESH_LAB_RENDER_PAUSE !== point) return;
  process.stderr.write(`paused at ${point}\n`);
  // A synchronous sleep: the writer is synchronous, and the pause must hold it exactly here.
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 60_000);
}
