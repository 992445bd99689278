import { spawn, type ChildProcess } from "node:child_process";

/**
 * The long-running processes `npm start` supervises (web, worker, sandbox). Output is prefixed with
 * the process name; if one exits on its own, `onUnexpectedExit` is told so the rest can be stopped.
 */
export type Child = { name: string; process: ChildProcess; exited: Promise<number | null>; isDetached: boolean };

export const startChild = ({
  name,
  command,
  args,
  env,
  onUnexpectedExit,
  isDetached = false,
}: {
  name: string;
  command: string;
  args: string[];
  env: NodeJS.ProcessEnv;
  onUnexpectedExit: (name: string, code: number | null) => void;
  /** in a process group of its own: a terminal's Ctrl-C does not reach it, we stop it when we choose */
  isDetached?: boolean;
}): Child => {
  const child = spawn(command, args, { env, stdio: ["ignore", "pipe", "pipe"], detached: isDetached });
  const prefix = (stream: NodeJS.WriteStream) => (chunk: Buffer) => {
    for (const line of chunk.toString().split("\n")) if (line.trim()) stream.write(`[${name}] ${line}\n`);
  };
  child.stdout!.on("data", prefix(process.stdout));
  child.stderr!.on("data", prefix(process.stderr));
  const result: Child = {
    name,
    isDetached,
    process: child,
    exited: new Promise((resolve) => child.once("exit", (code) => resolve(code))),
  };
  void result.exited.then((code) => {
    if (!stopping.has(child)) onUnexpectedExit(name, code);
  });
  return result;
};

const stopping = new WeakSet<ChildProcess>();

/** SIGTERM, then SIGKILL after `graceMs` if the process has not exited. */
export const stopChild = async (child: Child, graceMs = 10_000) => {
  stopping.add(child.process);
  if (child.process.exitCode !== null || child.process.signalCode !== null) return;
  child.process.kill("SIGTERM");
  const timer = setTimeout(() => child.process.kill("SIGKILL"), graceMs);
  await child.exited;
  clearTimeout(timer);
};
