/**
 * Makes a schema factory build its schema once per input (a record schema), then hand back the same
 * one: building a zod schema costs more than parsing with it (zod 4 sets every instance up and
 * compiles an object's parser on its first parse), and answer schemas built per request put that
 * work in a backfill worker's profile (bench/README.md, "Worker CPU per record, round five").
 */
export const schemaPerInput = <F extends (input: never) => unknown>(build: F): F => {
  const make = build as unknown as (input: object) => unknown;
  const built = new WeakMap<object, unknown>();
  const cached = (input: object) => {
    if (!built.has(input)) built.set(input, make(input));
    return built.get(input);
  };
  // the type of `build`: for each input it answers what `build` answered for that input
  return cached as unknown as F;
};
