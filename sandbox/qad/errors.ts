import type { FieldError } from "./types";

/*
 * QAD's two error envelopes, as the observed clients handle them: business validation inside
 * `{"submitResult":{"success":false,"errors":[{fieldName,message,fieldValue,code}]}}` (HTTP 200 here: the
 * status of such answers is unconfirmed and clients read the envelope), and gateway / permission failures as
 * a bare `{"errors":[{"severity":1,"code":"403","message":"Access is denied","fieldName":""}]}`.
 */

export const submitFailure = (errors: FieldError[]) => ({ submitResult: { success: false, errors } });

export const bareErrors = (status: number, message: string, fieldName = "") => ({
  errors: [{ severity: 1, code: String(status), message, fieldName }],
});
