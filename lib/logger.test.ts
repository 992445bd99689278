import { describe, expect, it } from "vitest";
import { createCapturingLogger } from "./logger";

/** A logger writing into an array of parsed lines. */
const capture = (level = "debug") => {
  const lines: Record<string, unknown>[] = [];
  return { log: createCapturingLogger((l) => lines.push(l), level), lines };
};

describe("logger", () => {
  it("never writes credentials or tokens, at any depth, and keeps the rest", () => {
    const { log, lines } = capture();
    log.info(
      {
        connectionId: "c1",
        authorization: "Bearer abc",
        password: "pw",
        client_secret: "cs",
        headers: { authorization: "Bearer xyz", cookie: "sid=1", accept: "json" },
        vendor: { response: { access_token: "tok", idToken: "jwt", expires_in: 3600 } },
      },
      "signed in",
    );
    const written = JSON.stringify(lines);
    for (const secret of ["Bearer abc", "pw\"", "\"cs\"", "Bearer xyz", "sid=1", "\"tok\"", "jwt"]) expect(written).not.toContain(secret);
    expect(lines[0]).toMatchObject({ msg: "signed in", connectionId: "c1", headers: { accept: "json" }, vendor: { response: { expires_in: 3600 } } });
  });

  it("writes only at or above its level", () => {
    const { log, lines } = capture("warn");
    log.info("quiet");
    log.warn("loud");
    expect(lines.map((l) => l.msg)).toEqual(["loud"]);
  });
});
