import { env } from "../env";

/** The URL vendors' callouts reach this app at: NEXTAUTH_URL, else http://localhost:PORT. */
export const publicAppUrl = (): string => env().NEXTAUTH_URL ?? `http://localhost:${env().PORT}`;
