/** Whether a process id is alive (signal 0 checks without signalling). One helper for the supervisor tests. */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
