import type { ButtonHTMLAttributes } from "react";

export type ButtonProps = ButtonHTMLAttributes<HTMLButtonElement> & {
  /** primary: the one main action of a view; secondary: everything else; ghost: low-emphasis (sidebar). */
  variant?: "primary" | "secondary" | "ghost";
};

const VARIANT_CLASS = {
  primary: "bg-blue-700 text-white hover:bg-blue-800 disabled:bg-blue-700/50",
  secondary: "border border-zinc-300 bg-white text-zinc-800 hover:bg-zinc-50 disabled:text-zinc-400",
  ghost: "text-zinc-600 hover:bg-zinc-100 hover:text-zinc-900 disabled:text-zinc-400",
} as const;

export const Button = ({ variant = "secondary", className = "", type = "button", ...props }: ButtonProps) => (
  <button
    type={type}
    className={`inline-flex h-8 items-center justify-center gap-1.5 rounded-md px-3 text-sm font-medium transition-colors disabled:cursor-not-allowed ${VARIANT_CLASS[variant]} ${className}`}
    {...props}
  />
);
