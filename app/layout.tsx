import type { Metadata } from "next";
import type { ReactNode } from "react";
import { Providers } from "@/components/providers";
import "./globals.css";

export const metadata: Metadata = {
  title: { default: "ml-connector", template: "%s · ml-connector" },
  description: "Moves invoices, payments, credit memos and customers between billing and ERP systems.",
  // Files in public/, served as they are (proxy.ts lets them through without a session).
  icons: {
    icon: [{ url: "/favicon.ico", sizes: "16x16 32x32 48x48" }, { url: "/icon.svg", type: "image/svg+xml" }],
    apple: "/apple-touch-icon.png",
  },
  manifest: "/site.webmanifest",
};

// Every page is rendered per request, so Next can put the request's CSP nonce on its scripts (proxy.ts).
export const dynamic = "force-dynamic";

const RootLayout = ({ children }: { children: ReactNode }) => (
  <html lang="en">
    <body className="min-h-screen font-sans">
      <Providers>{children}</Providers>
    </body>
  </html>
);

export default RootLayout;
