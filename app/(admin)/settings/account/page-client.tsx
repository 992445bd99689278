"use client";

import { useMutation } from "@tanstack/react-query";
import { useRef, type FormEvent } from "react";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { Field, TextInput } from "@/components/ui/field";
import { PageHeader } from "@/components/ui/page-header";
import { changePasswordAction } from "@/lib/actions/change-password";
import type { UserRole } from "@/lib/users/schemas";

/** The signed-in user's own details and a password change (replacing an admin-issued initial password). */
export const AccountPageClient = ({ email, role }: { email: string; role: UserRole }) => {
  const formRef = useRef<HTMLFormElement>(null);
  const change = useMutation({
    mutationFn: async (input: { currentPassword: string; newPassword: string }) => {
      const result = await changePasswordAction(input);
      if (!result.ok) throw new Error(result.error.message);
    },
    onSuccess: () => formRef.current?.reset(),
  });

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    change.mutate({ currentPassword: String(form.get("currentPassword") ?? ""), newPassword: String(form.get("newPassword") ?? "") });
  };

  return (
    <>
      <PageHeader title="Account" description="Your sign-in details." />
      <dl className="grid max-w-md grid-cols-[8rem_1fr] gap-y-2 rounded-lg border border-zinc-200 bg-white p-4">
        <dt className="text-zinc-500">Email</dt>
        <dd className="text-zinc-900">{email}</dd>
        <dt className="text-zinc-500">Role</dt>
        <dd className="text-zinc-900">{role === "admin" ? "Admin" : "Viewer"}</dd>
      </dl>
      <section aria-labelledby="password-heading" className="max-w-md rounded-lg border border-zinc-200 bg-white p-4">
        <h2 id="password-heading" className="text-sm font-semibold text-zinc-900">
          Change password
        </h2>
        <p className="mt-0.5 text-zinc-500">Replace the initial password you were given. At least 12 characters.</p>
        <form ref={formRef} onSubmit={onSubmit} className="mt-4 space-y-3" noValidate>
          <Field id="current-password" label="Current password">
            <TextInput id="current-password" name="currentPassword" type="password" autoComplete="current-password" required />
          </Field>
          <Field id="new-password" label="New password">
            <TextInput id="new-password" name="newPassword" type="password" autoComplete="new-password" minLength={12} required />
          </Field>
          {change.isError ? <Alert tone="error">{change.error.message}</Alert> : null}
          {change.isSuccess ? (
            <Alert tone="success">Password changed. Every session of yours has ended, this one too: sign out and sign in again with the new password.</Alert>
          ) : null}
          <Button type="submit" variant="primary" disabled={change.isPending}>
            {change.isPending ? "Saving…" : "Change password"}
          </Button>
        </form>
      </section>
    </>
  );
};
