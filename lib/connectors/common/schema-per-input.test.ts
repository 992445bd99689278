import { z } from "zod";
import { describe, expect, it } from "vitest";
import { wrapped, wrappedList } from "../acumatica/values";
import { zuoraQueryPageSchema } from "../zuora/schemas";
import { schemaPerInput } from "./schema-per-input";

describe("schemaPerInput", () => {
  it("builds a schema once per input and answers the same one after", () => {
    let builds = 0;
    const pageOf = schemaPerInput(<T extends z.ZodType>(record: T) => {
      builds += 1;
      return z.object({ data: z.array(record) });
    });
    const a = z.object({ id: z.string() });
    const b = z.object({ n: z.number() });
    expect(pageOf(a)).toBe(pageOf(a));
    expect(pageOf(b)).not.toBe(pageOf(a));
    expect(builds).toBe(2);
    expect(pageOf(a).parse({ data: [{ id: "x" }] })).toEqual({ data: [{ id: "x" }] });
    expect(pageOf(b).safeParse({ data: [{ id: "x" }] }).success).toBe(false);
  });

  it("serves the connectors' answer schemas, which still check what they wrap", () => {
    const record = z.object({ ReferenceNbr: z.string() });
    expect(wrapped(record)).toBe(wrapped(record));
    expect(wrappedList(record)).toBe(wrappedList(record));
    expect(zuoraQueryPageSchema(record)).toBe(zuoraQueryPageSchema(record));
    expect(wrappedList(record).parse([{ ReferenceNbr: { value: "INV1" } }])).toEqual([{ ReferenceNbr: "INV1" }]);
    expect(wrapped(record).safeParse({ ReferenceNbr: { value: 7 } }).success).toBe(false);
  });
});
