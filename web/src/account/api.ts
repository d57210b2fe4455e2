// The account endpoints (docs/protocol.md "Password change and TOTP", "Me", "Avatars").
import * as v from "valibot";
import type { Me } from "../../../worker/protocol";
import { loadMe, setMe } from "../api/auth";
import { api, apiVoid } from "../api/client";
import { putBytes } from "../api/files";
import { MeSchema } from "../wire/rest";

export const renameMe = async (displayName: string): Promise<Me> =>
  setMe(await api("/api/me", MeSchema, { method: "PATCH", body: { displayName } }));

/** Sends the (already resized) picture with progress; the new `me` carries its version. */
export function uploadAvatar(blob: Blob, onProgress: (fraction: number) => void) {
  const put = putBytes("/api/me/avatar", blob, (loaded) => onProgress(blob.size ? loaded / blob.size : 1));
  return { done: put.done.then(loadMe), abort: put.abort };
}

export const removeAvatar = async (): Promise<Me> => setMe(await api("/api/me/avatar", MeSchema, { method: "DELETE" }));

export const changePassword = (body: { currentPassword: string; newPassword: string; otp?: string }) =>
  apiVoid("/api/auth/password", { body });

const TotpSetupSchema = v.object({ secret: v.string(), otpauthUrl: v.string() });
export type TotpSetup = v.InferOutput<typeof TotpSetupSchema>;

export const setupTotp = (): Promise<TotpSetup> => api("/api/auth/totp/setup", TotpSetupSchema, { method: "POST" });

export async function enableTotp(password: string, otp: string): Promise<Me> {
  await apiVoid("/api/auth/totp/enable", { body: { password, otp } });
  return loadMe();
}

export async function disableTotp(password: string, otp: string): Promise<Me> {
  await apiVoid("/api/auth/totp/disable", { body: { password, otp } });
  return loadMe();
}
