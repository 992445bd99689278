/*
 * The accounts server takes its parameters from the query string or a form body: urlencoded (Zoho's curl
 * examples) or multipart/form-data (what Zoho's own SDKs send, through the form-data package). Only text
 * fields are read; a file part would be ignored.
 */

export const parseUrlEncoded = (body: string): Record<string, string> => Object.fromEntries(new URLSearchParams(body));

export const parseMultipart = (body: Buffer, contentType: string): Record<string, string> => {
  const boundary = /boundary=(?:"([^"]+)"|([^;]+))/i.exec(contentType);
  const marker = boundary?.[1] ?? boundary?.[2];
  if (!marker) return {};
  const fields: Record<string, string> = {};
  for (const part of body.toString("utf8").split(`--${marker}`)) {
    const split = part.indexOf("\r\n\r\n");
    if (split === -1) continue;
    const name = /name="([^"]*)"/i.exec(part.slice(0, split))?.[1];
    if (name === undefined || /filename=/i.test(part.slice(0, split))) continue;
    fields[name] = part.slice(split + 4).replace(/\r\n$/, "");
  }
  return fields;
};
