"use client";

import { useMutation } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useState, type FormEvent } from "react";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { Field, Select, TextInput } from "@/components/ui/field";
import { PageHeader } from "@/components/ui/page-header";
import { changeUserRoleAction } from "@/lib/actions/change-user-role";
import { inviteUserAction } from "@/lib/actions/invite-user";
import { removeUserAction } from "@/lib/actions/remove-user";
import type { UserRole } from "@/lib/users/schemas";

type UserRow = { id: string; email: string; role: UserRole; createdAt: string };

const ROLE_LABEL: Record<UserRole, string> = { admin: "Admin", viewer: "Viewer" };

const InviteForm = () => {
  const router = useRouter();
  const [invited, setInvited] = useState<{ email: string; initialPassword: string } | null>(null);
  const [isCopied, setIsCopied] = useState(false);
  const invite = useMutation({
    mutationFn: async (input: { email: string; role: UserRole }) => {
      const result = await inviteUserAction(input);
      if (!result.ok) throw new Error(result.error.message);
      return result.data;
    },
    onSuccess: (data) => {
      setInvited(data);
      router.refresh();
    },
  });

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    setInvited(null);
    setIsCopied(false);
    invite.mutate(
      { email: String(form.get("email") ?? ""), role: form.get("role") === "admin" ? "admin" : "viewer" },
      { onSuccess: () => (event.target as HTMLFormElement).reset() },
    );
  };

  return (
    <section aria-labelledby="invite-heading" className="rounded-lg border border-zinc-200 bg-white p-4">
      <h2 id="invite-heading" className="text-sm font-semibold text-zinc-900">
        Invite user
      </h2>
      <p className="mt-0.5 text-zinc-500">ml-connector generates an initial password; you pass it on to the person.</p>
      <form onSubmit={onSubmit} className="mt-4 flex flex-wrap items-end gap-3" noValidate>
        <div className="w-72">
          <Field id="invite-email" label="Email">
            <TextInput id="invite-email" name="email" type="email" required autoComplete="off" />
          </Field>
        </div>
        <div className="w-36">
          <Field id="invite-role" label="Role">
            <Select id="invite-role" name="role" defaultValue="viewer">
              <option value="viewer">Viewer</option>
              <option value="admin">Admin</option>
            </Select>
          </Field>
        </div>
        <Button type="submit" variant="primary" disabled={invite.isPending}>
          {invite.isPending ? "Inviting…" : "Invite user"}
        </Button>
      </form>
      <div className="mt-3 space-y-2">
        {invite.isError ? <Alert tone="error">{invite.error.message}</Alert> : null}
        {invited ? (
          <Alert tone="success">
            <p>
              {invited.email} can now sign in with this initial password. It is shown only once; copy it now.
            </p>
            <p className="mt-1.5 flex items-center gap-2">
              <code data-testid="initial-password" className="rounded bg-white px-2 py-0.5 font-mono text-sm text-zinc-900 ring-1 ring-emerald-200">
                {invited.initialPassword}
              </code>
              <Button
                variant="secondary"
                onClick={() => void navigator.clipboard?.writeText(invited.initialPassword).then(() => setIsCopied(true))}
              >
                {isCopied ? "Copied" : "Copy"}
              </Button>
            </p>
          </Alert>
        ) : null}
      </div>
    </section>
  );
};

/** The role of one user; admins change it in place (the server refuses to demote the last admin). */
const RoleCell = ({ user, isEditable, onError }: { user: UserRow; isEditable: boolean; onError: (message: string | null) => void }) => {
  const router = useRouter();
  const change = useMutation({
    mutationFn: async (role: UserRole) => {
      const result = await changeUserRoleAction({ userId: user.id, role });
      if (!result.ok) throw new Error(result.error.message);
    },
    onMutate: () => onError(null),
    onError: (err) => onError(err.message),
    onSettled: () => router.refresh(),
  });
  if (!isEditable) return <>{ROLE_LABEL[user.role]}</>;
  return (
    <div className="w-32">
      <Select
        aria-label={`Role of ${user.email}`}
        value={change.isPending && change.variables ? change.variables : user.role}
        disabled={change.isPending}
        onChange={(e) => change.mutate(e.target.value === "admin" ? "admin" : "viewer")}
      >
        <option value="viewer">Viewer</option>
        <option value="admin">Admin</option>
      </Select>
    </div>
  );
};

/** Removes a user after a confirmation naming them; the server refuses to remove the only admin. */
const RemoveCell = ({ user, isSelf, onError }: { user: UserRow; isSelf: boolean; onError: (message: string | null) => void }) => {
  const router = useRouter();
  const remove = useMutation({
    mutationFn: async () => {
      const result = await removeUserAction({ userId: user.id });
      if (!result.ok) throw new Error(result.error.message);
    },
    onMutate: () => onError(null),
    onError: (err) => onError(err.message),
    onSuccess: () => (isSelf ? window.location.assign("/login") : router.refresh()),
  });
  const onClick = () => {
    const question = isSelf
      ? "Remove your own account? You will be signed out at once and cannot sign in again."
      : `Remove ${user.email}? They are signed out at once and can no longer sign in.`;
    if (window.confirm(question)) remove.mutate();
  };
  return (
    <Button variant="ghost" aria-label={`Remove ${user.email}`} disabled={remove.isPending} onClick={onClick}>
      {remove.isPending ? "Removing…" : "Remove"}
    </Button>
  );
};

/** Users and their roles; admins can invite. Viewers see the list but no invite form (the server refuses them anyway). */
export const UsersPageClient = ({ users, isAdmin, currentUserId }: { users: UserRow[]; isAdmin: boolean; currentUserId: string }) => {
  const [roleError, setRoleError] = useState<string | null>(null);
  return (
    <>
      <PageHeader title="Users" description="Who can sign in. Admins change settings; viewers can look but not change." />
      {isAdmin ? <InviteForm /> : <Alert tone="info">You have viewer access. Only an admin can invite users or change roles.</Alert>}
      {roleError ? <Alert tone="error">{roleError}</Alert> : null}
      <div className="overflow-hidden rounded-lg border border-zinc-200 bg-white">
        <table className="w-full text-left text-sm">
          <caption className="sr-only">Users</caption>
          <thead className="border-b border-zinc-200 bg-zinc-50 text-xs font-medium text-zinc-500">
            <tr>
              <th scope="col" className="px-4 py-2 font-medium">Email</th>
              <th scope="col" className="px-4 py-2 font-medium">Role</th>
              <th scope="col" className="px-4 py-2 font-medium">Added</th>
              {isAdmin ? <th scope="col" className="px-4 py-2 font-medium"><span className="sr-only">Actions</span></th> : null}
            </tr>
          </thead>
          <tbody className="divide-y divide-zinc-100">
            {users.map((u) => (
              <tr key={u.id}>
                <td className="px-4 py-2 text-zinc-900">
                  {u.email}
                  {u.id === currentUserId ? <span className="ml-2 text-xs text-zinc-500">(you)</span> : null}
                </td>
                <td className="px-4 py-1.5 text-zinc-700">
                  <RoleCell user={u} isEditable={isAdmin} onError={setRoleError} />
                </td>
                <td className="px-4 py-2 tabular-nums text-zinc-500">{u.createdAt.slice(0, 10)}</td>
                {isAdmin ? (
                  <td className="px-4 py-1.5 text-right">
                    <RemoveCell user={u} isSelf={u.id === currentUserId} onError={setRoleError} />
                  </td>
                ) : null}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
};
