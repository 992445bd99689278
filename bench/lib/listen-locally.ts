import type http from "node:http";

/** Starts `server` on a free loopback port and answers its base URL (`http://127.0.0.1:<port>`). */
export const listenLocally = async (server: http.Server): Promise<string> => {
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  if (!address || typeof address !== "object") throw new Error("no server address");
  return `http://127.0.0.1:${address.port}`;
};
