import { z } from "zod";

/** E-mail as stored: trimmed and lower-cased, so sign-in is case-insensitive. */
export const userEmailSchema = z
  .string()
  .trim()
  .toLowerCase()
  .pipe(z.email({ message: "Enter a valid e-mail address" }));

export const PASSWORD_MIN_LENGTH = 12;

export const passwordSchema = z
  .string()
  .min(PASSWORD_MIN_LENGTH, `Password must be at least ${PASSWORD_MIN_LENGTH} characters`)
  .max(256, "Password must be at most 256 characters");

export const roleSchema = z.enum(["admin", "viewer"], { message: "Role must be admin or viewer" });
export type UserRole = z.infer<typeof roleSchema>;

export const createUserInputSchema = z.strictObject({
  email: userEmailSchema,
  password: passwordSchema,
  role: roleSchema.default("viewer"),
  name: z.string().trim().max(200).optional(),
});
export type CreateUserInput = z.input<typeof createUserInputSchema>;

/** Invite form: the password is generated on the server and shown once. */
export const inviteUserInputSchema = z.strictObject({
  email: userEmailSchema,
  role: roleSchema,
});
export type InviteUserInput = z.infer<typeof inviteUserInputSchema>;

export const changePasswordInputSchema = z
  .strictObject({
    currentPassword: z.string().min(1, "Enter your current password"),
    newPassword: passwordSchema,
  })
  .refine((v) => v.currentPassword !== v.newPassword, {
    path: ["newPassword"],
    message: "The new password must differ from the current one",
  });
export type ChangePasswordInput = z.infer<typeof changePasswordInputSchema>;

export const changeUserRoleInputSchema = z.strictObject({ userId: z.uuid(), role: roleSchema });
export type ChangeUserRoleInput = z.infer<typeof changeUserRoleInputSchema>;

export const removeUserInputSchema = z.strictObject({ userId: z.uuid() });
export type RemoveUserInput = z.infer<typeof removeUserInputSchema>;
