import { ErrorCode as Codes, type ErrorCode } from "../protocol";

/** A refusal crossing the RPC boundary as data, mapped to an ApiError by the route. */
export interface Refusal {
  ok: false;
  code: ErrorCode;
  message: string;
}

export const refuse = (code: ErrorCode, message: string): Refusal => ({ ok: false, code, message });
export const notMember = () => refuse(Codes.forbidden, "not a member of this conversation");
export const noConversation = () => refuse(Codes.notFound, "no such conversation");
