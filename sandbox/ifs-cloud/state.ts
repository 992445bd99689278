/**
 * One IFS Cloud tenant's state: IAM, the finance ledger, the projection names, settings (token lifetime, server
 * page size, request-rate limit), a clock that tests can set, and request counters.
 */
import { z } from "zod";
import { type IamClient, IfsIam } from "./iam";
import { Ledger } from "./ledger";
import { buildProjections, DEFAULT_IFS_NAMES, type IfsNames, KINDS, type KindName, type ProjectionInfo } from "./model";

const nameSchema = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, "an OData simple identifier");
const kindNamesSchema = z.strictObject({ projection: nameSchema, entitySet: nameSchema }).partial();

export const namesSchema = z.strictObject({
  ...(Object.fromEntries((Object.keys(KINDS) as KindName[]).map((k) => [k, kindNamesSchema.optional()])) as Record<KindName, z.ZodOptional<typeof kindNamesSchema>>),
  voucherRowsNavigation: nameSchema.optional(),
});
export type IfsNamesInput = z.input<typeof namesSchema>;

export const settingsSchema = z.strictObject({
  /** Access-token lifetime (Keycloak realm setting; IFS's documented sample is 180 s). */
  accessTokenSeconds: z.number().int().min(1).max(86_400).optional(),
  /** Server page size: collections longer than this are cut with `@odata.nextLink` (IFS publishes no figure). */
  pageSize: z.number().int().min(1).max(100_000).optional(),
  /** Requests allowed per window on the projections, then 429 with Retry-After (ASSUMED; IFS publishes none). null = off. */
  rateLimit: z.strictObject({ requests: z.number().int().min(1), windowSeconds: z.number().int().min(1).max(3600) }).nullable().optional(),
  /**
   * Share of writes (PATCH, DELETE, bound actions) whose entity "another user" changes between the client's read
   * and its write: the record gets a new version and the write answers 412. Decided by the seed, so a run replays.
   */
  staleEtagRate: z.number().min(0).max(1).optional(),
  names: namesSchema.optional(),
});
export type IfsSettingsInput = z.input<typeof settingsSchema>;

export const lockTargetSchema = z.strictObject({
  entity: z.enum(Object.keys(KINDS) as [KindName, ...KindName[]]),
  keys: z.record(z.string(), z.union([z.string(), z.number()])),
});

export type IfsSettings = {
  accessTokenSeconds: number;
  pageSize: number;
  rateLimit: { requests: number; windowSeconds: number } | null;
  staleEtagRate: number;
  names: IfsNames;
};

export type IfsStats = { requests: number; tokensIssued: number; rejected429: number; byRoute: Record<string, number> };

export const DEFAULT_PAGE_SIZE = 1000;

export const mergeNames = (base: IfsNames, input: IfsNamesInput | undefined): IfsNames => {
  const names = structuredClone(base);
  for (const kind of Object.keys(KINDS) as KindName[]) names[kind] = { ...names[kind], ...input?.[kind] };
  if (input?.voucherRowsNavigation) names.voucherRowsNavigation = input.voucherRowsNavigation;
  const sets = (Object.keys(KINDS) as KindName[]).map((k) => names[k].entitySet);
  const duplicate = sets.find((s, i) => sets.indexOf(s) !== i);
  if (duplicate) throw Object.assign(new Error(`entity set name ${duplicate} is used for two entity types`), { statusCode: 400 });
  return names;
};

export class IfsState {
  readonly iam: IfsIam;
  readonly ledger: Ledger;
  settings: IfsSettings;
  stats: IfsStats = { requests: 0, tokensIssued: 0, rejected429: 0, byRoute: {} };
  rate = { window: -1, used: 0 };
  /** Projections "redeployed" through the control API: their next request answers MI_MODIFIED_ERROR once. */
  modifiedProjections = new Set<string>();
  /** Writes that carried a matching If-Match since `staleEtagRate` was set: the n of the seeded stale-ETag draw. */
  writesWithPrecondition = 0;
  /** Set by the control API: a fixed time, or an offset from the real clock, in ms. */
  private clock: { fixed?: number; offsetMs: number } = { offsetMs: 0 };
  private projectionCache?: { names: IfsNames; projections: Map<string, ProjectionInfo> };

  constructor(
    private readonly defaults: { realm: string; clients: IamClient[]; settings: IfsSettings; now?: () => Date; seed: number },
  ) {
    this.settings = structuredClone(defaults.settings);
    this.iam = new IfsIam({ realm: defaults.realm, clients: defaults.clients, accessTokenSeconds: defaults.settings.accessTokenSeconds, now: () => this.now() });
    this.ledger = new Ledger(() => new Date(this.now()));
  }

  get seed(): number {
    return this.defaults.seed;
  }

  now(): number {
    if (this.clock.fixed !== undefined) return this.clock.fixed;
    return (this.defaults.now ? this.defaults.now().getTime() : Date.now()) + this.clock.offsetMs;
  }

  get names(): IfsNames {
    return this.settings.names;
  }

  projections(): Map<string, ProjectionInfo> {
    if (this.projectionCache?.names !== this.settings.names) this.projectionCache = { names: this.settings.names, projections: buildProjections(this.settings.names) };
    return this.projectionCache.projections;
  }

  configure(input: IfsSettingsInput) {
    const parsed = settingsSchema.parse(input);
    const names = parsed.names ? mergeNames(this.settings.names, parsed.names) : this.settings.names;
    if (parsed.accessTokenSeconds !== undefined) {
      this.settings.accessTokenSeconds = parsed.accessTokenSeconds;
      this.iam.accessTokenSeconds = parsed.accessTokenSeconds;
    }
    if (parsed.pageSize !== undefined) this.settings.pageSize = parsed.pageSize;
    if (parsed.rateLimit !== undefined) this.settings.rateLimit = parsed.rateLimit;
    if (parsed.staleEtagRate !== undefined) {
      this.settings.staleEtagRate = parsed.staleEtagRate;
      this.writesWithPrecondition = 0;
    }
    this.settings.names = names;
  }

  /** `{ now: ISO }` fixes the clock, `{ now: null }` returns to real time, `{ advanceSeconds }` moves it on. */
  setClock(input: { now?: string | null; advanceSeconds?: number }) {
    if (input.now === null) this.clock = { offsetMs: 0 };
    else if (input.now !== undefined) this.clock = { fixed: Date.parse(input.now), offsetMs: 0 };
    if (input.advanceSeconds !== undefined) {
      if (this.clock.fixed !== undefined) this.clock.fixed += input.advanceSeconds * 1000;
      else this.clock.offsetMs += input.advanceSeconds * 1000;
    }
    return new Date(this.now()).toISOString();
  }

  reset() {
    this.settings = structuredClone(this.defaults.settings);
    this.iam.reset();
    this.ledger.reset();
    this.stats = { requests: 0, tokensIssued: 0, rejected429: 0, byRoute: {} };
    this.rate = { window: -1, used: 0 };
    this.modifiedProjections.clear();
    this.writesWithPrecondition = 0;
    this.clock = { offsetMs: 0 };
  }
}

export { DEFAULT_IFS_NAMES };
