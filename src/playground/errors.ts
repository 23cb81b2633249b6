/** A Bot API error answer, shaped as Telegram's: `{ ok: false, error_code, description }`. */
export class ApiFailure extends Error {
  readonly code: number;
  readonly description: string;
  readonly parameters: Record<string, unknown> | undefined;

  constructor(code: number, description: string, parameters?: Record<string, unknown>) {
    super(description);
    this.name = "ApiFailure";
    this.code = code;
    this.description = description;
    this.parameters = parameters;
  }

  toJSON() {
    return {
      ok: false,
      error_code: this.code,
      description: this.description,
      ...(this.parameters === undefined ? {} : { parameters: this.parameters }),
    };
  }
}

/** 400 with Telegram's "Bad Request: " prefix. */
export function badRequest(what: string): ApiFailure {
  return new ApiFailure(400, `Bad Request: ${what}`);
}
