import { describe, expect, it } from "vitest";
import { settle, toHinomiError } from "./backend";

describe("settle", () => {
  it("passes an ok answer through unchanged", async () => {
    const answer = await settle(async () => ({ status: "ok" as const, data: [1, 2, 3] }));
    expect(answer).toEqual({ status: "ok", data: [1, 2, 3] });
  });

  it("keeps a HinomiError from Rust as it is", async () => {
    const error = { code: "unreachable" as const, message: "connection refused", detail: "127.0.0.1:9" };
    const answer = await settle<number>(async () => ({ status: "error", error }));
    expect(answer).toEqual({ status: "error", error });
  });

  it("turns a thrown IPC failure into a HinomiError instead of an exception", async () => {
    const answer = await settle<number>(() => Promise.reject("invalid args `id` for command `x`"));
    expect(answer).toEqual({ status: "error", error: { code: "internal", message: "invalid args `id` for command `x`" } });
  });

  it("turns a thrown Error into an internal HinomiError with its message", async () => {
    const answer = await settle<number>(() => Promise.reject(new Error("boom")));
    expect(answer.status).toBe("error");
    if (answer.status === "error") {
      expect(answer.error.code).toBe("internal");
      expect(answer.error.message).toBe("boom");
    }
  });
});

describe("toHinomiError", () => {
  it("does not take an object with an unknown code for a HinomiError", () => {
    expect(toHinomiError({ code: "pwned", message: "x" })).toEqual({
      code: "internal",
      message: '{"code":"pwned","message":"x"}',
    });
  });
});
