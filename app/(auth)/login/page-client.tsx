"use client";

import { signIn } from "next-auth/react";
import { useState, type FormEvent } from "react";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { Field, TextInput } from "@/components/ui/field";
import { describeLoginError } from "@/lib/auth/describe-login-error";

/** E-mail + password form; on success a full page load to `callbackUrl` (already checked to be a local path). */
export const LoginPageClient = ({ callbackUrl, initialError }: { callbackUrl: string; initialError?: string }) => {
  const [error, setError] = useState(initialError ? describeLoginError(initialError) : null);
  const [isPending, setIsPending] = useState(false);

  const onSubmit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    setIsPending(true);
    setError(null);
    const result = await signIn("credentials", {
      email: String(form.get("email") ?? ""),
      password: String(form.get("password") ?? ""),
      redirect: false,
    });
    if (result?.ok && !result.error) {
      window.location.assign(callbackUrl);
      return;
    }
    setError(describeLoginError(result?.error ?? "unknown"));
    setIsPending(false);
  };

  return (
    <main className="flex min-h-screen items-center justify-center px-4">
      <div className="w-full max-w-sm">
        <div className="mb-6 flex items-center gap-2">
          <span aria-hidden="true" className="grid size-7 place-items-center rounded bg-zinc-900 text-xs font-bold text-white">
            ml
          </span>
          <span className="text-base font-semibold text-zinc-900">ml-connector</span>
        </div>
        <div className="rounded-lg border border-zinc-200 bg-white p-6 shadow-xs">
          <h1 className="text-base font-semibold text-zinc-900">Sign in</h1>
          <p className="mt-1 text-sm text-zinc-500">Use the e-mail and password your administrator gave you.</p>
          <form onSubmit={onSubmit} className="mt-5 space-y-4" noValidate>
            {error ? <Alert tone="error">{error}</Alert> : null}
            <Field id="email" label="Email">
              <TextInput id="email" name="email" type="email" autoComplete="username" required autoFocus />
            </Field>
            <Field id="password" label="Password">
              <TextInput id="password" name="password" type="password" autoComplete="current-password" required />
            </Field>
            <Button type="submit" variant="primary" className="w-full" disabled={isPending}>
              {isPending ? "Signing in…" : "Sign in"}
            </Button>
          </form>
        </div>
        <p className="mt-4 text-center text-xs text-zinc-500">
          Forgot your password? Ask an admin, or run <code className="font-mono">npm run create-admin</code> on the server.
        </p>
      </div>
    </main>
  );
};
