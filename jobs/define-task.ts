import type { JobHelpers, Task } from "graphile-worker";
import type { z } from "zod";

/**
 * A graphile-worker task: a kebab-case name, a payload schema checked before `run`, and a single call
 * into lib/. Task files hold nothing else (style-guide §5).
 */
export type TaskDefinition<S extends z.ZodType> = {
  name: string;
  schema: S;
  /** graphile-worker's max_attempts for jobs of this task (default 25 there) */
  maxAttempts?: number;
  /**
   * A batch job's task (an array payload) may answer one promise per entry: graphile-worker retries
   * only the entries whose promise rejects.
   */
  run: (payload: z.infer<S>, helpers: JobHelpers) => Promise<void> | Promise<readonly Promise<unknown>[]>;
};

const TASK_NAME = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;

export const defineTask = <S extends z.ZodType>(definition: TaskDefinition<S>): TaskDefinition<S> => {
  if (!TASK_NAME.test(definition.name)) throw new Error(`Task name "${definition.name}" must be kebab-case`);
  return definition;
};

/** graphile-worker's form of a task: the payload is parsed before it reaches `run`. */
export const toGraphileTask =
  <S extends z.ZodType>(definition: TaskDefinition<S>): Task =>
  async (payload, helpers) => {
    const parsed = definition.schema.safeParse(payload);
    if (!parsed.success) {
      // A malformed payload never becomes valid by retrying: fail loudly once, with the reason.
      helpers.logger.error(`${definition.name}: invalid payload: ${parsed.error.issues.map((i) => `${i.path.join(".")} ${i.message}`).join("; ")}`);
      throw new Error(`invalid payload for ${definition.name}`);
    }
    const entries = await definition.run(parsed.data, helpers);
    return entries ? [...entries] : undefined;
  };
