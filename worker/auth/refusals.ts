import { ApiError } from "../http/errors";
import { ErrorCode } from "../protocol";

/** One message for unknown user and wrong password: the answer must not tell which. */
export const invalidCredentials = () => new ApiError(401, ErrorCode.invalidCredentials, "wrong username or password");
export const otpRequired = () => new ApiError(401, ErrorCode.otpRequired, "a one-time code is required");
export const invalidOtp = () => new ApiError(401, ErrorCode.invalidOtp, "wrong or already used one-time code");
