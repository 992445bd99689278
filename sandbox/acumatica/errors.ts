/**
 * Acumatica answers 4xx/5xx with the ASP.NET Web API `HttpError` body (`#/components/schemas/HttpError` in the
 * 24.200.001 document; `ErrorMessage.cs` in the official C# client): `message`, `exceptionMessage`,
 * `exceptionType`, `stackTrace`, and `modelState` for request-binding failures. Field-level validation errors
 * are not HttpErrors: they come back inside the entity (422), see `store.ts`.
 */
export type HttpErrorBody = {
  message: string;
  exceptionMessage?: string | null;
  exceptionType?: string | null;
  stackTrace?: string | null;
  modelState?: Record<string, string[]>;
};

/** A rejection that the route layer turns into `status` + an HttpError body. */
export class AcumaticaHttpError extends Error {
  readonly status: number;
  readonly body: HttpErrorBody;
  readonly headers: Record<string, string>;

  constructor(status: number, body: HttpErrorBody, headers: Record<string, string> = {}) {
    super(body.exceptionMessage ?? body.message);
    this.status = status;
    this.body = body;
    this.headers = headers;
  }
}

const STACK = "   at PX.Api.ContractBased.EntityService.Process(...)";

/** 500-style PXException text, used where Acumatica reports a business error outside the entity. */
export const pxError = (status: number, exceptionMessage: string, exceptionType = "PX.Data.PXException") =>
  new AcumaticaHttpError(status, {
    message: "An error has occurred.",
    exceptionMessage,
    exceptionType,
    stackTrace: STACK,
  });

/** A request body value that cannot be bound to the contract (flat value where a `{"value": ...}` wrapper is due). */
export const bindingError = (path: string, exceptionMessage: string) =>
  new AcumaticaHttpError(400, {
    message: "The request is invalid.",
    exceptionMessage,
    exceptionType: "Newtonsoft.Json.JsonSerializationException",
    stackTrace: "   at Newtonsoft.Json.Serialization.JsonSerializerInternalReader.CreateValueInternal(...)",
    modelState: { [`entity.${path}`]: [exceptionMessage] },
  });

export const notLoggedIn = () =>
  new AcumaticaHttpError(
    401,
    { message: "Authorization has been denied for this request." },
    { "www-authenticate": 'Bearer error="invalid_token"' },
  );

export const notFound = (message: string) =>
  new AcumaticaHttpError(404, { message, exceptionMessage: message, exceptionType: "PX.Api.ContractBased.NoEntitySatisfiesTheConditionException", stackTrace: STACK });

export const badRequest = (exceptionMessage: string) =>
  new AcumaticaHttpError(400, {
    message: "An error has occurred.",
    exceptionMessage,
    exceptionType: "System.ArgumentException",
    stackTrace: STACK,
  });

export const preconditionFailed = (exceptionMessage: string) =>
  new AcumaticaHttpError(412, {
    message: "An error has occurred.",
    exceptionMessage,
    exceptionType: "PX.Api.ContractBased.PreconditionFailedException",
    stackTrace: STACK,
  });
